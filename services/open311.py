"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the menu as services, orders as requests.

Reads are public and carry no personal data: no names, phones, e-mails (omitted); a portal order's own note
is withheld and a 311 client's description is echoed with ID and mobile numbers masked and without the
address_string it sent; the location is coarse — the village (村/社区) as `address`/`address_id`, never a
group, building or house, and lat/long rounded to 0.01° (about 1 km: still a point on a county map, no
longer a door). POST needs a valid `api_key`: the key is the access control, and it fixes the region the
client may order into (`address_id` may narrow it to a village/group inside that region). JSON only; every
parameter is read through `Params`, and bad input answers 400 with a GeoReport error list
`[{"code", "description"}]`, never 500.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import cache, wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from governance.models import Region
from governance.pii import scrub

from . import actions
from .models import MenuItem, Order

MAX_REQUESTS = 1000
MAX_PAGE = 10_000
DEFAULT_DAYS = 90
MAX_ID = 2**63 - 1  # bigint: a larger "id" is not an id
EARLIEST, LATEST = dt.datetime(1900, 1, 1), dt.datetime(9000, 1, 1)  # keeps date arithmetic from overflowing
COORDINATE_STEP = Decimal("0.01")  # public lat/long: ~1 km


def _error(code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": description}], status=code, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _service(item: MenuItem) -> dict:
    return {
        "service_code": item.code,
        "service_name": item.title,
        "description": item.description,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join([item.township.name, item.category.name]),
        "group": item.category.name,
    }


def _active_items():
    # Public: the menu is published to everyone; only active items can be ordered.
    return MenuItem.objects.filter(status=MenuItem.Status.ACTIVE).select_related("township", "category").order_by("code")


@require_GET
def services_list(request):
    return _json([_service(item) for item in _active_items()])


@require_GET
def service_definition(request, service_code: str):
    item = _active_items().filter(code=service_code).first()
    if item is None:
        return _error(404, _("service_code 不存在：%(c)s") % {"c": service_code})
    return _json({"service_code": item.code, "attributes": []})


class Params:
    """The one place a GeoReport parameter is read. Each getter returns a clean value or raises a
    ValidationError whose message (Chinese) goes back to the client as a 400."""

    def __init__(self, data):
        self.data = data

    def text(self, name: str, max_length: int | None = None) -> str:
        value = self.data.get(name) or ""
        if "\x00" in value:  # PostgreSQL cannot store it, and no client means it
            raise ValidationError(_("%(n)s 含有无效字符。") % {"n": name})
        return value[:max_length] if max_length else value

    def _list(self, name: str) -> list[str]:
        return [v.strip() for v in self.text(name).split(",") if v.strip()]

    def ids(self, name: str) -> list[int]:
        values = self._list(name)
        if len(values) > MAX_REQUESTS:
            raise ValidationError(_("%(n)s 一次最多 %(max)d 个。") % {"n": name, "max": MAX_REQUESTS})
        for v in values:
            if not re.fullmatch(r"[0-9]{1,19}", v) or not 0 < int(v) <= MAX_ID:
                raise ValidationError(_("%(n)s 须为正整数：%(v)s") % {"n": name, "v": v[:40]})
        return [int(v) for v in values]

    def when(self, name: str) -> dt.datetime | None:
        value = self.text(name).strip()
        if not value:
            return None
        try:  # "+08:00" arrives as " 08:00" when the client did not encode the "+"
            when = parse_datetime(value.replace(" ", "+"))
        except ValueError:  # well-formed but impossible: Feb 30th, 25 o'clock, a +99:00 offset
            when = None
        if when is None:
            raise ValidationError(_("%(n)s 须为 ISO 8601 时间，例如 2026-01-01T00:00:00+08:00。") % {"n": name})
        if not EARLIEST <= when.replace(tzinfo=None) <= LATEST:
            raise ValidationError(_("%(n)s 须在 1900 年至 9000 年之间。") % {"n": name})
        return when if timezone.is_aware(when) else timezone.make_aware(when)

    def service_codes(self, name: str) -> list[str]:
        codes = self._list(name)
        known = set(MenuItem.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError(_("service_code 不存在：%(c)s") % {"c": ", ".join(unknown)[:100]})
        return codes

    def choices(self, name: str, allowed: set[str], message: str) -> set[str]:
        values = set(self._list(name))
        if values - allowed:
            raise ValidationError(message)
        return values

    def integer(self, name: str, *, default: int, maximum: int) -> int:
        value = self.text(name).strip()
        if not value:
            return default
        if not re.fullmatch(r"[0-9]{1,9}", value) or not 1 <= int(value) <= maximum:
            raise ValidationError(_("%(n)s 须为 1 到 %(max)d 之间的整数。") % {"n": name, "max": maximum})
        return int(value)

    def coordinate(self, name: str, bound: int) -> Decimal | None:
        value = self.text(name).strip()
        if not value:
            return None
        try:
            number = Decimal(value)
            if not number.is_finite() or not -bound <= number <= bound:  # NaN, Infinity, 91, 200
                raise InvalidOperation
            return number.quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("%(n)s 须为 -%(b)d 到 %(b)d 之间的十进制度数。") % {"n": name, "b": bound})


def _georeport(view):
    """Bad input answers 400 with a GeoReport error list, whichever parameter it was."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            return _error(400, "；".join(m for ms in messages.values() for m in ms))
    return wrapped


def _status(order: Order) -> str:
    return "open" if order.status in Order.OPEN else "closed"


@cache
def _address_marks() -> tuple[str, ...]:
    marks = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            marks.append(f"{_('地址')}：")
    return tuple(marks)


def _public_description(order: Order) -> str:
    """A 311 client's own words, without the address line it sent and with ID and mobile numbers masked."""
    if order.channel != Order.Channel.OPEN311:
        return ""
    lines = []
    for line in order.note.splitlines():
        if line.startswith(_address_marks()):
            break
        lines.append(line)
    return scrub("\n".join(lines).strip())


def _coarse(value: Decimal | None) -> float | None:
    return float(value.quantize(COORDINATE_STEP)) if value is not None else None


def _villages(orders: list[Order]) -> dict[str, Region]:
    """The village of each order's region, in one query: the public address is never finer than that."""
    length = Region.PATH_LENGTH[Region.Level.VILLAGE]
    paths = {o.region.path[:length] for o in orders if o.region.level > Region.Level.VILLAGE}
    found = {r.path: r for r in Region.objects.filter(path__in=paths).only("path", "name", "code")} if paths else {}
    return {o.region.path: found.get(o.region.path[:length], o.region) if o.region.level > Region.Level.VILLAGE
            else o.region for o in orders}


def _requests(orders) -> list[dict]:
    orders = list(orders)
    villages = _villages(orders)
    return [_request(o, villages[o.region.path]) for o in orders]


def _request(order: Order, village: Region) -> dict:
    return {
        "service_request_id": str(order.pk),
        "status": _status(order),
        "status_notes": order.get_status_display(),
        "service_name": order.item_title,
        "service_code": order.item.code,
        "description": _public_description(order),
        "agency_responsible": order.unit.name if order.unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(order.created_at),
        "updated_datetime": _iso(order.updated_at),
        "expected_datetime": _iso(order.stage_deadline),
        "address": village.name,
        "address_id": village.code,
        "zipcode": "",
        "lat": _coarse(order.lat),
        "long": _coarse(order.long),
        "media_url": "",
    }


def _public_orders():
    # Public, field-limited read (see _request): no person is named, so no user scope applies here.
    return Order.objects.select_related("item", "unit", "region").order_by("-created_at", "-id")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_georeport
def requests_view(request):
    if request.method == "POST":
        return _create_request(request)
    qs = _public_orders()
    params = Params(request.GET)
    ids = params.ids("service_request_id")
    if ids:  # the spec: with service_request_id every other parameter is ignored
        return _json(_requests(qs.filter(pk__in=ids)[:MAX_REQUESTS]))
    end = params.when("end_date") or timezone.now()
    start = params.when("start_date") or end - dt.timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise ValidationError(_("start_date 不能晚于 end_date。"))
    codes = params.service_codes("service_code")
    statuses = params.choices("status", {"open", "closed"}, _("status 只能是 open 或 closed。"))
    # Not in the spec, as many GeoReport servers do: page through more than one answer's worth.
    page_size = params.integer("page_size", default=MAX_REQUESTS, maximum=MAX_REQUESTS)
    page = params.integer("page", default=1, maximum=MAX_PAGE)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if codes:
        qs = qs.filter(item__code__in=codes)
    if statuses == {"open"}:
        qs = qs.filter(status__in=Order.OPEN)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=Order.OPEN)
    return _json(_requests(qs[(page - 1) * page_size:page * page_size]))


@require_GET
@_georeport
def request_detail(request, request_id: str):
    ids = Params({"service_request_id": request_id}).ids("service_request_id")
    if len(ids) != 1:
        raise ValidationError(_("%(n)s 须为正整数：%(v)s") % {"n": "service_request_id", "v": request_id[:40]})
    pk = ids[0]
    order = _public_orders().filter(pk=pk).first()
    if order is None:
        return _error(404, _("service_request_id 不存在：%(i)s") % {"i": request_id})
    return _json(_requests([order]))


def _create_request(request):
    params = Params(request.POST)
    try:
        key = actions.open311_key_check(params.text("api_key"))
    except PermissionDenied as exc:
        return _error(403, str(exc))
    code = params.text("service_code").strip()
    item = MenuItem.objects.filter(code=code).first() if code else None
    if item is None:
        return _error(400, _("service_code 不存在：%(c)s") % {"c": code[:100]})
    region = key.region
    address_id = params.text("address_id").strip()
    if address_id:
        region = Region.objects.filter(code=address_id, path__startswith=key.region.path).first()
        if region is None:
            return _error(400, _("address_id 不在该接口密钥的受理区域内。"))
    if region.level < Region.Level.VILLAGE:
        return _error(400, _("请用 address_id 指定村（社区）或村民小组的区划代码。"))
    # The name goes to the village office only (never published); phone and e-mail are not kept at all.
    name = " ".join(p for p in (params.text("first_name").strip(), params.text("last_name").strip()) if p)
    lat = params.coordinate("lat", 90)
    long = params.coordinate("long", 180)
    note = params.text("description")
    address = params.text("address_string", 200).strip()
    if address:  # on a line of its own, marked in the portal's language: public reads leave it out
        with translation.override(settings.LANGUAGE_CODE):
            note = f"{note}\n{_('地址')}：{address}".strip()
    try:
        order = actions.order_place(actor=None, item_id=item.pk, note=note, region=region,
                                    channel=Order.Channel.OPEN311, contact_name=name, lat=lat, long=long)
    except Http404:
        return _error(400, _("无法受理该请求。"))
    return _json([{"service_request_id": str(order.pk), "service_notice": _("已受理，村（社区）将尽快派单。"),
                   "account_id": None}], status=201)
