"""One FilterSet per model, for the HTML lists and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.filtersets import RegionSubtreeFilter, ScopedFilterSet, YearFilter

from .models import (
    Allocation, Errand, Expenditure, Fund, HardshipGroup, HardshipRecord, JointActivity, LinkageHeading, MemberReport, MenuItem, MicroWish,
    MicroWork, Order, OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, VolunteerActivity, VolunteerTeam,
)


class MenuItemFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    township = django_filters.NumberFilter(field_name="township_id", label=_("乡镇（街道）"))
    status = django_filters.ChoiceFilter(choices=MenuItem.Status.choices, label=_("状态"))

    class Meta:
        model = MenuItem
        fields = ["township", "status", "category"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value))


class MenuSearchFilterSet(ScopedFilterSet):
    """The resident's "order a service" page: search and category only."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))

    class Meta:
        model = MenuItem
        fields = ["category"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value))


class OrderFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("订单号/服务"))
    status = django_filters.ChoiceFilter(choices=Order.Status.choices, label=_("状态"))
    region = RegionSubtreeFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已超时"))

    class Meta:
        model = Order
        fields = ["status", "region", "unit", "item"]

    def search(self, qs, name, value):
        return qs.filter(Q(number__startswith=value) | Q(item_title__icontains=value))

    def filter_overdue(self, qs, name, value):
        late = Q(status__in=Order.OPEN, stage_deadline__lt=timezone.now())
        return qs.filter(late) if value else qs.exclude(late)


class OrderEventFilterSet(ScopedFilterSet):
    class Meta:
        model = OrderEvent
        fields = ["order", "to_status"]


class UnitReportFilterSet(ScopedFilterSet):
    community = RegionSubtreeFilter(region_field="community", label=_("村（社区）"))

    class Meta:
        model = UnitReport
        fields = ["community", "unit"]


class JointActivityFilterSet(ScopedFilterSet):
    heading = django_filters.ChoiceFilter(choices=LinkageHeading.choices, label=_("六联动"))

    class Meta:
        model = JointActivity
        fields = ["heading", "report"]


class ReportingRegionFilterSet(ScopedFilterSet):
    """The 双报到 page narrowed to a region's subtree (the dashboard links here with ?region=)."""

    region = RegionSubtreeFilter(region_field="community")

    class Meta:
        model = MemberReport
        fields = ["region"]


class MemberReportFilterSet(ScopedFilterSet):
    community = RegionSubtreeFilter(region_field="community", label=_("村（社区）"))

    class Meta:
        model = MemberReport
        fields = ["community"]


class ServiceHourFilterSet(ScopedFilterSet):
    class Meta:
        model = ServiceHour
        fields = ["report"]


class MicroWorkFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("名称"))
    region = RegionSubtreeFilter()
    status = django_filters.ChoiceFilter(choices=MicroWork.Status.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=MicroWork.Kind.choices, label=_("类型"))
    year = django_filters.NumberFilter(method="filter_year", label=_("年度"))
    done_year = django_filters.NumberFilter(method="filter_done_year", label=_("验收年度"))
    done_since = django_filters.NumberFilter(method="filter_done_since", label=_("验收起始年度"))

    class Meta:
        model = MicroWork
        fields = ["region", "status", "kind", "year", "is_public"]

    def filter_year(self, qs, name, value):
        if not 1900 <= value <= 2999:
            return qs.none()
        return qs.filter(proposed_at__year=int(value))

    def filter_done_year(self, qs, name, value):
        if not 1900 <= value <= 2999:
            return qs.none()
        return qs.filter(accepted_at__year=int(value))

    def filter_done_since(self, qs, name, value):
        if not 1900 <= value <= 2999:
            return qs.none()
        return qs.filter(accepted_at__year__gte=int(value))


class FacilityFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="village")

    class Meta:
        model = ServiceCenterFacility
        fields = ["region"]


class FundFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    source = django_filters.ChoiceFilter(choices=Fund.Source.choices, label=_("来源"))

    class Meta:
        model = Fund
        fields = ["region", "source", "year"]


class AllocationFilterSet(ScopedFilterSet):
    class Meta:
        model = Allocation
        fields = ["fund", "work"]


class ExpenditureFilterSet(ScopedFilterSet):
    fund = django_filters.NumberFilter(field_name="allocation__fund_id", label=_("资金"))
    region = RegionSubtreeFilter(region_field="allocation__work__region")
    year = YearFilter(field_name="allocation__fund__year")

    class Meta:
        model = Expenditure
        fields = ["allocation", "fund", "region", "year"]


class MicroWishFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    status = django_filters.ChoiceFilter(choices=MicroWish.Status.choices, label=_("状态"))
    group = django_filters.ChoiceFilter(choices=HardshipGroup.choices, label=_("困难群体"))

    class Meta:
        model = MicroWish
        fields = ["region", "status", "group"]


class HardshipRecordFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="resident__region")
    group = django_filters.ChoiceFilter(choices=HardshipGroup.choices, label=_("类别"))
    state = django_filters.ChoiceFilter(
        method="by_state", label=_("状态"), empty_label=_("在册"),
        choices=[("due", _("应复核")), ("ended", _("已退出")), ("all", _("全部"))])

    class Meta:
        model = HardshipRecord
        fields = ["region", "group", "state"]

    def by_state(self, queryset, name, value):
        if value == "due":
            return queryset.filter(ended_at__isnull=True, review_due__lte=timezone.localdate())
        if value == "ended":
            return queryset.filter(ended_at__isnull=False)
        return queryset


class ErrandFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    status = django_filters.ChoiceFilter(choices=Errand.Status.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=Errand.Kind.choices, label=_("事项类型"))

    class Meta:
        model = Errand
        fields = ["region", "status", "kind"]


class VolunteerTeamFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("队名"))
    region = RegionSubtreeFilter()

    class Meta:
        model = VolunteerTeam
        fields = ["region"]


class VolunteerActivityFilterSet(ScopedFilterSet):
    class Meta:
        model = VolunteerActivity
        fields = ["team"]
