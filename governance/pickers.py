"""One picker for every choice that grows with the county (issue #16).

A `<select>` of every village (3,079 regions for the county office), every member (3,861) or every grid
(1,711) is unusable and heavy. Every ScopedForm's model choice uses `PickerSelect`: when the user's choices
are few (≤ PICKER_THRESHOLD) it renders a plain drop-down with "请选择"; when they are many it renders a
select holding only the chosen option(s), which portal.js turns into a keyboard-usable combobox that asks
`/pick/<token>/` as the user types — and, for regions, walks down the tree (乡镇 → 村 → 组).

The token is the field's own queryset (already restricted for this user by ScopedForm), signed and bound to
the user: the endpoint answers from exactly the choices the form would accept, and restricts them for the
requesting user once more (a token that reaches another user answers 404). It carries no personal data —
a query, not its rows — and the search never matches ID numbers or phones (names and codes only).
"""
from __future__ import annotations

import base64
import pickle
import zlib

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Region

SALT = "governance.picker"
MAX_AGE = 12 * 3600  # a form left open over a working day still answers
RESULTS = 30


def threshold() -> int:
    return int(getattr(settings, "PICKER_THRESHOLD", 50))


def _model_label(model) -> str:
    return model._meta.label_lower


def make_token(queryset, user, action: str, field) -> str:
    query = base64.b64encode(zlib.compress(pickle.dumps(queryset.query))).decode()
    label = f"{type(field).__module__}.{type(field).__qualname__}"
    return signing.dumps({"u": user.pk, "m": _model_label(queryset.model), "a": action, "q": query, "f": label},
                         salt=SALT, compress=True)


def _search_q(model, text: str) -> Q:
    """Names and codes only — never an ID number or a phone (those go through the audited exact lookup)."""
    names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
    q = Q()
    for term in text.split():
        t = Q()
        for field in ("name", "title", "code", "number", "username", "first_name", "last_name"):
            if field in names:
                t |= Q(**{f"{field}__icontains": term})
        q &= t if t else Q(pk__in=[])
    return q


def _region_search(domain, terms: list[str]):
    """"刘集 2组": the leading words name places above (each narrows to their subtrees), the last the region."""
    for term in terms[:-1]:
        paths = list(Region.objects.filter(name__icontains=term, level__lt=Region.Level.BUILDING)
                     .values_list("path", flat=True)[:50])
        if not paths:
            return domain.none()
        q = Q()
        for path in paths:
            q |= Q(path__startswith=path)
        domain = domain.filter(q)
    return domain.filter(name__icontains=terms[-1])


def _labeller(field_path: str, model):
    """The form field's own label_from_instance (its class's), or str()."""
    from django.utils.module_loading import import_string

    try:
        cls = import_string(field_path)
        bare = object.__new__(cls)
        return lambda obj: str(cls.label_from_instance(bare, obj))
    except Exception:  # noqa: BLE001 - a field defined inside a function: str() is a fair label
        return str


class PickerMixin:
    """Render as a drop-down when the choices are few, as a typed-search picker when they are many — decided
    at render time from one LIMIT query (the page reads the choices once, as a plain select did)."""

    token_args: tuple | None = None  # (user, action): set by ScopedForm

    def _rows(self):
        field = getattr(self.choices, "field", None)
        if field is None or field.queryset is None:
            return None, None
        rows = list(field.queryset[: threshold() + 1])
        return field, rows

    def _selected(self, value) -> set[str]:
        if value is None:
            return set()
        values = value if isinstance(value, (list, tuple)) else [value]
        return {str(v) for v in values if v not in (None, "")}

    def render(self, name, value, attrs=None, renderer=None):
        field, rows = self._rows()
        if field is None:
            return super().render(name, value, attrs, renderer)
        selected = self._selected(value)
        many = len(rows) > threshold()
        if many:
            chosen = list(field.queryset.filter(pk__in=[v for v in selected if v.isdigit()])) if selected else []
            options = [(obj.pk, _picker_label(field, obj)) for obj in chosen]
        else:
            options = [(obj.pk, field.label_from_instance(obj)) for obj in rows]
        empty = []
        if not self.allow_multiple_selected and field.empty_label is not None:
            label = field.empty_label
            empty = [("", _("请选择") if not str(label).strip("-") else label)]  # never a bare "---------"
        original = self.choices
        self.choices = empty + options
        attrs = dict(attrs or {})
        if many and self.token_args:
            user, action = self.token_args
            attrs["data-picker"] = reverse("picker", args=[make_token(field.queryset, user, action, field)])
            attrs["data-picker-tree"] = "1" if field.queryset.model is Region else "0"
            attrs["data-picker-placeholder"] = _("输入名称搜索")
            attrs["data-picker-none"] = _("没有匹配项")
            attrs["data-picker-top"] = _("全部")
            attrs["data-picker-remove"] = _("移除")
            # radios or check boxes while short; one searchable select once long
            plain = forms.SelectMultiple() if self.allow_multiple_selected else forms.Select()
            plain.choices, plain.attrs = self.choices, {**self.attrs}
            self.choices = original
            return plain.render(name, value, attrs, renderer)
        try:
            return super().render(name, value, attrs, renderer)
        finally:
            self.choices = original


def _picker_label(field, obj) -> str:
    if isinstance(obj, Region):
        from .places import place_name

        return place_name(obj)
    return field.label_from_instance(obj)


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


class PickerCheckboxes(PickerMixin, forms.CheckboxSelectMultiple):
    pass


def adopt(field, user, action: str) -> None:
    """ScopedForm calls this for every model choice field: plain drop-downs become pickers."""
    widget = field.widget
    if type(widget) is forms.Select:
        new = PickerSelect(attrs=widget.attrs)
    elif type(widget) is forms.SelectMultiple:
        new = PickerSelectMultiple(attrs=widget.attrs)
    elif type(widget) is forms.CheckboxSelectMultiple:
        new = PickerCheckboxes(attrs=widget.attrs)
    elif isinstance(widget, PickerMixin):
        new = widget
    else:  # radios (a vote's few options), hidden inputs: the form chose them on purpose
        return
    new.choices = field.choices  # the ModelChoiceIterator, bound to the field
    new.is_required = widget.is_required
    new.token_args = (user, action)
    field.widget = new


def _region_items(domain, parent: Region | None):
    """The tree walk: the children of `parent` (or the shallowest level with a choice) that are choices or
    lead to choices, each with whether it can be chosen and whether it has more below."""
    domain = domain.order_by()
    if parent is None:
        levels = set(domain.values_list("level", flat=True).distinct())
        if not levels:
            return [], []
        # the shallowest level where the choices part ways (or where some can be chosen)
        level = min(levels)
        for candidate in range(Region.Level.COUNTY, min(levels)):
            n = Region.PATH_LENGTH[candidate]
            if len(domain.annotate(p=Substr("path", 1, n)).values_list("p", flat=True).distinct()[:2]) > 1:
                level = candidate
                break
        under, crumbs = "", []
    else:
        level, under = parent.level + 1, parent.path
        line = [r for r in parent.ancestors() if r.level >= Region.Level.TOWNSHIP] + [parent]
        crumbs = [{"id": r.pk, "name": r.name} for r in line if r.level >= Region.Level.TOWNSHIP]
    if level not in Region.PATH_LENGTH:
        return crumbs, []
    n = Region.PATH_LENGTH[level]
    inside = domain.filter(path__startswith=under) if under else domain
    prefixes = set(inside.filter(level__gte=level).annotate(p=Substr("path", 1, n)).values_list("p", flat=True)
                   .distinct()[:2000])
    chosen = set(inside.filter(level=level).values_list("pk", flat=True))
    deeper = set(inside.filter(level__gt=level).annotate(p=Substr("path", 1, n)).values_list("p", flat=True)
                 .distinct()[:2000])
    regions = list(Region.objects.filter(path__in=prefixes).order_by("path"))
    items = [{"id": r.pk, "label": r.name, "selectable": r.pk in chosen, "more": r.path in deeper} for r in regions]
    return crumbs, items


@login_required
def picker(request, token: str):
    """GET /pick/<token>/?q=…&parent=<region id>: at most 30 choices as JSON."""
    from django.apps import apps

    from .scoping import scoped

    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Http404
    if data.get("u") != request.user.pk:
        raise Http404
    model = apps.get_model(data["m"])
    qs = model._default_manager.all()
    qs.query = pickle.loads(zlib.decompress(base64.b64decode(data["q"])))  # signed by us: SECRET_KEY + salt
    domain = scoped(qs, request.user, data["a"])
    text = (request.GET.get("q") or "").strip()[:50]
    parent = None
    parent_id = request.GET.get("parent") or ""
    if model is Region and parent_id.isdigit():
        parent = scoped(Region.objects.all(), request.user, "view").filter(pk=parent_id).first()
        # a region the user cannot see may still lead to choices (a village office choosing groups): the walk
        # only ever shows regions that are choices or ancestors of choices
        if parent is None:
            parent = Region.objects.filter(pk=parent_id).first()
            if parent is None or not domain.filter(path__startswith=parent.path).exists():
                raise Http404
    if model is Region and not text:
        crumbs, items = _region_items(domain, parent)
        return JsonResponse({"crumbs": crumbs, "items": items})
    rows = domain
    if text and model is Region and len(text.split()) > 1:
        rows = _region_search(rows, text.split())
    elif text:
        rows = rows.filter(_search_q(model, text))
    if parent is not None:
        rows = rows.filter(path__startswith=parent.path)
    rows = list(rows[:RESULTS])
    if model is Region:
        from .places import place_names

        names = place_names(rows)
        items = [{"id": r.pk, "label": names[r.pk], "selectable": True, "more": False} for r in rows]
    else:
        label = _labeller(data["f"], model)
        items = [{"id": obj.pk, "label": label(obj), "selectable": True, "more": False} for obj in rows]
    return JsonResponse({"crumbs": [], "items": items})

