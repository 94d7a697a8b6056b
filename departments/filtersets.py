"""One FilterSet per model, serving both the HTML list and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.filtersets import RegionSubtreeFilter, ScopedFilterSet

from .models import (
    AssignmentState,
    Department,
    DepartmentAssignment,
    HandlingLevel,
    MatterCatalogueItem,
    StationedCadre,
    StationedVisit,
    Supervision,
    UnitSupervisor,
    Whistle,
    WhistleCall,
)


class DepartmentFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("部门名称"))

    class Meta:
        model = Department
        fields = ["active"]


class CatalogueFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    level = django_filters.ChoiceFilter(choices=HandlingLevel.choices, label=_("办理层级"))

    class Meta:
        model = MatterCatalogueItem
        fields = ["level", "department"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(plain_description__icontains=value))


class AssignmentFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="issue__title", lookup_expr="icontains", label=_("事件标题"))
    region = RegionSubtreeFilter(region_field="issue__region")
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices, label=_("状态"))
    role = django_filters.ChoiceFilter(choices=DepartmentAssignment.Role.choices, label=_("承办方式"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已超时"))
    handed_back = django_filters.BooleanFilter(field_name="handed_back_at", lookup_expr="isnull", exclude=True,
                                               label=_("曾退回"))

    class Meta:
        model = DepartmentAssignment
        fields = ["department", "state", "role"]

    def filter_overdue(self, qs, name, value):
        late = Q(state__in=[AssignmentState.PENDING, AssignmentState.ACCEPTED], deadline__lt=timezone.now())
        return qs if value is None else qs.filter(late) if value else qs.exclude(late)


class SupervisionFilterSet(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=Supervision.State.choices, label=_("状态"))
    region = RegionSubtreeFilter(region_field="issue__region")

    class Meta:
        model = Supervision
        fields = ["state"]


class WhistleFilterSet(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=Whistle.State.choices, label=_("状态"))
    region = RegionSubtreeFilter(region_field="township")

    class Meta:
        model = Whistle
        fields = ["state"]


class WhistleCallFilterSet(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=WhistleCall.State.choices, label=_("状态"))

    class Meta:
        model = WhistleCall
        fields = ["state", "department", "whistle"]


class UnitSupervisorFilterSet(ScopedFilterSet):
    class Meta:
        model = UnitSupervisor
        fields = ["department"]


class StationedCadreFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("姓名"))
    region = RegionSubtreeFilter(region_field="village", label=_("乡镇（街道）/村"))
    state = django_filters.ChoiceFilter(choices=StationedCadre.State.choices, label=_("在岗/已结束"))
    post = django_filters.ChoiceFilter(choices=StationedCadre.Post.choices, label=_("驻村职务"))

    class Meta:
        model = StationedCadre
        fields = ["state", "post", "department"]


class StationedVisitFilterSet(ScopedFilterSet):
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = StationedVisit
        fields = ["cadre"]
