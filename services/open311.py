"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the menu as services, orders as requests.

Reads are public and carry no personal data (no names, phones, ID numbers; a portal order's own note is
withheld, only a 311 client's own description is echoed). POST needs a valid `api_key`: the key is the
access control, and it fixes the region the client may order into (`address_id` may narrow it to a
village/group inside that region). JSON only; errors are GeoReport error lists `[{"code", "description"}]`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from governance.models import Region

from . import actions
from .models import MenuItem, Order

MAX_REQUESTS = 1000
DEFAULT_DAYS = 90


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


def _status(order: Order) -> str:
    return "open" if order.status in Order.OPEN else "closed"


def _request(order: Order) -> dict:
    return {
        "service_request_id": str(order.pk),
        "status": _status(order),
        "status_notes": order.get_status_display(),
        "service_name": order.item_title,
        "service_code": order.item.code,
        "description": order.note if order.channel == Order.Channel.OPEN311 else "",
        "agency_responsible": order.unit.name if order.unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(order.created_at),
        "updated_datetime": _iso(order.updated_at),
        "expected_datetime": _iso(order.stage_deadline),
        "address": order.region.name,
        "address_id": order.region.code,
        "zipcode": "",
        "lat": float(order.lat) if order.lat is not None else None,
        "long": float(order.long) if order.long is not None else None,
        "media_url": "",
    }


def _public_orders():
    # Public, field-limited read (see _request): no person is named, so no user scope applies here.
    return Order.objects.select_related("item", "unit", "region").order_by("-created_at", "-id")


def _parse_when(value: str, name: str) -> dt.datetime:
    when = parse_datetime(value.replace(" ", "+")) if value else None
    if when is None:
        raise ValidationError(_("%(n)s 须为 ISO 8601 时间，例如 2026-01-01T00:00:00+08:00。") % {"n": name})
    return when if timezone.is_aware(when) else timezone.make_aware(when)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request):
    if request.method == "POST":
        return _create_request(request)
    qs = _public_orders()
    params = request.GET
    try:
        if params.get("service_request_id"):
            ids = [i for i in params["service_request_id"].split(",") if i.strip().isdigit()]
            return _json([_request(o) for o in qs.filter(pk__in=ids)[:MAX_REQUESTS]])
        end = _parse_when(params["end_date"], "end_date") if params.get("end_date") else timezone.now()
        start = (_parse_when(params["start_date"], "start_date") if params.get("start_date")
                 else end - dt.timedelta(days=DEFAULT_DAYS))
    except ValidationError as exc:
        return _error(400, exc.messages[0])
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if params.get("service_code"):
        qs = qs.filter(item__code__in=params["service_code"].split(","))
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        return _error(400, _("status 只能是 open 或 closed。"))
    if statuses == {"open"}:
        qs = qs.filter(status__in=Order.OPEN)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=Order.OPEN)
    return _json([_request(o) for o in qs[:MAX_REQUESTS]])


@require_GET
def request_detail(request, request_id: int):
    order = _public_orders().filter(pk=request_id).first()
    if order is None:
        return _error(404, _("service_request_id 不存在：%(i)s") % {"i": request_id})
    return _json([_request(order)])


def _coordinate(value: str | None, name: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(n)s 不是有效的坐标。") % {"n": name})
    if not -bound <= number <= bound:
        raise ValidationError(_("%(n)s 不是有效的坐标。") % {"n": name})
    return number


def _create_request(request):
    data = request.POST
    try:
        key = actions.open311_key_check(data.get("api_key"))
    except PermissionDenied as exc:
        return _error(403, str(exc))
    code = (data.get("service_code") or "").strip()
    item = MenuItem.objects.filter(code=code).first() if code else None
    if item is None:
        return _error(400, _("service_code 不存在：%(c)s") % {"c": code})
    region = key.region
    if data.get("address_id"):
        region = Region.objects.filter(code=data["address_id"], path__startswith=key.region.path).first()
        if region is None:
            return _error(400, _("address_id 不在该接口密钥的受理区域内。"))
    if region.level < Region.Level.VILLAGE:
        return _error(400, _("请用 address_id 指定村（社区）或村民小组的区划代码。"))
    name = " ".join(p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p)
    try:
        lat = _coordinate(data.get("lat"), "lat", 90)
        long = _coordinate(data.get("long"), "long", 180)
        note = data.get("description", "")
        if data.get("address_string"):
            note = f"{note}\n{_('地址')}：{data['address_string'][:200]}" if note else data["address_string"][:200]
        order = actions.order_place(actor=None, item_id=item.pk, note=note, region=region,
                                    channel=Order.Channel.OPEN311, contact_name=name, lat=lat, long=long)
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return _error(400, "；".join(m for ms in messages.values() for m in ms))
    except Http404:
        return _error(400, _("无法受理该请求。"))
    return _json([{"service_request_id": str(order.pk), "service_notice": _("已受理，村（社区）将尽快派单。"),
                   "account_id": None}], status=201)
