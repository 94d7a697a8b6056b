"""One FilterSet per model, serving both the HTML list and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.filtersets import RegionSubtreeFilter, ScopedFilterSet

from .models import ACTIVE_STATUSES, EscalationLevel, Grid, Issue, IssueStatus, MajorEvent, MajorEventTask, Severity, Visit


class GridFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="region__name", lookup_expr="icontains", label=_("网格名称"))
    region = RegionSubtreeFilter()
    unassigned = django_filters.BooleanFilter(method="filter_unassigned", label=_("有未分配责任党员的户"))

    class Meta:
        model = Grid
        fields = ["region"]

    def filter_unassigned(self, qs, name, value):
        from .selectors import unassigned_households_below_q

        if value is None:
            return qs
        # A household of the grid (its group or a building under it) without a responsible member.
        missing = unassigned_households_below_q()
        return qs.filter(missing) if value else qs.exclude(missing)


class IssueFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    region = RegionSubtreeFilter()
    level = django_filters.ChoiceFilter(choices=EscalationLevel.choices, label=_("当前层级"))
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices, label=_("状态"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("事件分级"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已超时"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("未结束"))
    settled = django_filters.BooleanFilter(method="filter_settled", label=_("已办结"))

    class Meta:
        model = Issue
        fields = ["region", "level", "status", "severity", "category"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = Q(status__in=ACTIVE_STATUSES, deadline__lt=timezone.now())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(status__in=ACTIVE_STATUSES) if value else qs.exclude(status__in=ACTIVE_STATUSES)

    def filter_settled(self, qs, name, value):
        """Resolved or confirmed closed (and not reopened since): what the dashboard counts as settled."""
        if value is None:
            return qs
        settled = Q(status__in=[IssueStatus.RESOLVED, IssueStatus.CLOSED], resolved_at__isnull=False)
        return qs.filter(settled) if value else qs.exclude(settled)


class VisitFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="grid__region")
    household = django_filters.NumberFilter(field_name="household_id", label=_("户"))

    class Meta:
        model = Visit
        fields = ["region", "household"]


class MajorEventFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()

    class Meta:
        model = MajorEvent
        fields = ["region"]


class MajorEventTaskFilterSet(ScopedFilterSet):
    event = django_filters.NumberFilter(field_name="event_id", label=_("大事联动"))
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("已响应"))

    class Meta:
        model = MajorEventTask
        fields = ["event"]
