"""One FilterSet per model, serving both the HTML list and the API."""
from __future__ import annotations

from functools import cache

import django_filters
from django_filters.conf import settings as filter_settings
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import pii
from .models import AuditEntry, Household, Notification, Region, Resident, RoleAssignment


class RegionSubtreeFilter(django_filters.NumberFilter):
    """`?region=<id>`: everything inside that region's subtree (one indexed prefix match)."""

    def __init__(self, *args, region_field: str = "region", **kwargs):
        self.region_field = region_field
        kwargs.setdefault("label", _("区域"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        path = Region.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        if self.region_field == "self":
            return qs.filter(path__startswith=path)
        return qs.filter(**{f"{self.region_field}__in": Region.objects.filter(path__startswith=path).values("pk")})


class YearFilter(django_filters.NumberFilter):
    """`?year=2026`: a whole year, 1900–2100; anything else (`0.0`, `abc`) is a 400 with the field's message,
    never a lookup the database cannot take."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("年度"))
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


def region_choices(user, selected=None, max_level: int = Region.Level.GROUP, paths=None) -> list[tuple[int, str]]:
    """Regions a person can pick from, kept short: their scope's roots and the level below, plus the
    children of the region currently chosen (choose a township, then narrow to one of its villages).
    Indented by level; never below the grid level."""
    from .scoping import role_paths, subtree_q, user_roles

    if user is None or not user.is_authenticated:
        return []
    if paths is not None:
        paths = list(paths)
    elif user.is_superuser:
        paths = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("path", flat=True))
    else:
        paths = role_paths(user, user_roles(user))
    if not paths:
        return []
    top = min(len(p) for p in paths)
    top_level = next(level for level, n in Region.PATH_LENGTH.items() if n == top)
    wanted = Q(level__lte=min(top_level + 1, max_level))
    if isinstance(selected, Region):  # the caller has it at hand
        chosen = (selected.path, selected.level)
    else:
        chosen = Region.objects.filter(pk=selected).values_list("path", "level").first() if str(selected or "").isdigit() else None
    if chosen and chosen[1] < max_level:
        ancestors = [chosen[0][:n] for lvl, n in Region.PATH_LENGTH.items() if lvl <= chosen[1]]
        wanted |= Q(path__in=ancestors) | Q(path__startswith=chosen[0], level=chosen[1] + 1)
    rows = Region.objects.filter(subtree_q(paths)).filter(wanted).order_by("path").values_list("pk", "name", "level")
    return [(pk, "\u3000" * (level - top_level) + name) for pk, name, level in rows]


class FastSelect(forms.Select):
    """A filter bar's drop-down, written in Python. Django renders every <option> through two templates
    (~30 µs each); a list page's filters have dozens of options, which made the form the slowest part
    of the resident list. Same markup as forms.Select (no option groups: filters never use them)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (option["value"], flatatt(option["attrs"]), option["label"])
            for _group, choices, _index in widget["optgroups"] for option in choices))
        return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], flatatt(widget["attrs"]),
                           mark_safe(options))


class ScopedFilterSet(django_filters.FilterSet):
    """Region filters become a drop-down of the user's own regions; id filters stay for the API."""

    hidden_filters: tuple[str, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for name, flt in self.filters.items():
            # a form field built before (the API schema reads the class's filters) was copied with the filter:
            # drop it, so the widget and empty label set below are the ones the field is built with
            flt.__dict__.pop("_field", None)
            declared = flt.extra.get("widget")
            hidden = declared is forms.HiddenInput or isinstance(declared, forms.HiddenInput)
            if isinstance(flt, RegionSubtreeFilter) and name not in self.hidden_filters and not hidden:
                selected = (self.data or {}).get(name)
                # lazy: the regions are read when a page renders the form, never for the API or an export;
                # and once (rendering iterates the choices twice)
                flt.extra["widget"] = FastSelect(choices=cache(
                    lambda user=user, selected=selected: [("", _("全部"))] + region_choices(user, selected)))
            elif name in self.hidden_filters or hidden:  # e.g. ?region= as the dashboard links it
                flt.extra["widget"] = forms.HiddenInput()
            elif isinstance(flt, django_filters.DateFilter):
                flt.extra["widget"] = forms.DateInput(attrs={"type": "date"})
            elif isinstance(flt, django_filters.ModelChoiceFilter) and user is not None and user.is_authenticated:
                # a unit, an item, a grid …: a short drop-down, or the typed-search picker once the choices are many
                from .pickers import PickerSelect

                if flt.extra.get("empty_label", filter_settings.EMPTY_CHOICE_LABEL) == filter_settings.EMPTY_CHOICE_LABEL:
                    flt.extra["empty_label"] = _("全部")
                widget = PickerSelect()
                widget.token_args = (user, "view")
                flt.extra["widget"] = widget
            elif isinstance(flt, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)):
                if flt.extra.get("empty_label", filter_settings.EMPTY_CHOICE_LABEL) == filter_settings.EMPTY_CHOICE_LABEL:
                    flt.extra["empty_label"] = _("全部")  # not "---------"
                flt.extra.setdefault("widget", FastSelect)
            elif isinstance(flt, django_filters.BooleanFilter):
                flt.extra["widget"] = FastSelect(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


class RegionFilterSet(ScopedFilterSet):
    hidden_filters = ("parent", "within")
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    within = RegionSubtreeFilter(region_field="self", label=_("所属上级"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("上级"))

    class Meta:
        model = Region
        fields = ["level", "kind", "parent"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__startswith=value))


class HouseholdFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("户号/住址"))
    region = RegionSubtreeFilter()

    class Meta:
        model = Household
        fields = ["region"]

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(address__icontains=value))


class ResidentFilterSet(ScopedFilterSet):
    hidden_filters = ("household",)
    # A name only: a number in a GET lands in the URL, the browser history and the access log, and an
    # unlimited exact search would confirm guessed numbers. Numbers go through the POST lookup
    # (governance.lookups: limited per user, audited).
    q = django_filters.CharFilter(method="search", label=_("姓名"), widget=forms.TextInput(attrs={
        "pattern": r"[^0-9０-９]*", "title": _("这里只按姓名查找；按身份证号或手机号请用“精确查找”。")}))
    region = RegionSubtreeFilter()
    status = django_filters.ChoiceFilter(choices=Resident.Status.choices, label=_("居住状态"))
    is_party_member = django_filters.BooleanFilter(label=_("党员"))
    household = django_filters.NumberFilter(label=_("户"))

    class Meta:
        model = Resident
        fields = ["region", "status", "is_party_member", "household"]

    def search(self, qs, name, value):
        return qs.filter(name__contains=value.strip())


class RoleAssignmentFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()

    class Meta:
        model = RoleAssignment
        fields = ["role", "region", "active", "status"]


class AccountFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    q = django_filters.CharFilter(method="search", label=_("登录名或姓名"))
    must_change_password = django_filters.BooleanFilter(label=_("须修改密码"))

    class Meta:
        from .models import AccountProfile

        model = AccountProfile
        fields = ["region", "q", "must_change_password"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(user__username__icontains=value) | Q(user__first_name__icontains=value))


class AuditEntryFilterSet(ScopedFilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("操作"))
    region = RegionSubtreeFilter()
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("截止日期"))

    class Meta:
        model = AuditEntry
        fields = ["action", "region", "since", "until"]


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("未读"))

    class Meta:
        model = Notification
        fields = ["unread"]
