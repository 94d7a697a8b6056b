"""One FilterSet per model, serving both the HTML list and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
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


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    within = RegionSubtreeFilter(region_field="self", label=_("所属上级"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("上级"))

    class Meta:
        model = Region
        fields = ["level", "kind", "parent"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__startswith=value))


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("户号/住址"))
    region = RegionSubtreeFilter()

    class Meta:
        model = Household
        fields = ["region"]

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(address__icontains=value))


class ResidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("姓名/身份证号/手机号"))
    region = RegionSubtreeFilter()
    status = django_filters.ChoiceFilter(choices=Resident.Status.choices, label=_("居住状态"))
    is_party_member = django_filters.BooleanFilter(label=_("党员"))
    household = django_filters.NumberFilter(label=_("户"))

    class Meta:
        model = Resident
        fields = ["region", "status", "is_party_member", "household"]

    def search(self, qs, name, value):
        """A full ID number or phone matches exactly through its keyed hash; anything else is a name."""
        value = value.strip()
        candidate = value.upper()
        if len(candidate) == 18:
            return qs.filter(id_hash=pii.keyed_hash(candidate))
        if len(value) == 11 and value.isdigit():
            return qs.filter(phone_hash=pii.keyed_hash(value))
        return qs.filter(name__contains=value)


class RoleAssignmentFilterSet(django_filters.FilterSet):
    region = RegionSubtreeFilter()

    class Meta:
        model = RoleAssignment
        fields = ["role", "region", "active"]


class AuditEntryFilterSet(django_filters.FilterSet):
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
