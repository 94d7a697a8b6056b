"""One FilterSet per model, for the HTML lists and the API."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from governance.filtersets import RegionSubtreeFilter, ScopedFilterSet, YearFilter

from .models import (
    Attendance,
    Candidate,
    CenterKind,
    CommitteePost,
    PartyMember,
    PartyOrganization,
    PioneerPost,
    PipelineStep,
    ReserveCadre,
    SecretaryRating,
    Stage,
    StaffAssignment,
    TrainingLevel,
    TrainingSession,
    WorkItem,
)


def _hidden_region(region_field: str) -> RegionSubtreeFilter:
    """`?region=<id>` as the dashboard links it: the subtree of that region, not shown in the filter bar."""
    return RegionSubtreeFilter(region_field=region_field, label="", widget=forms.HiddenInput)


class WorkItemFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("标题"))
    township = RegionSubtreeFilter(region_field="township", label=_("乡镇/街道"))
    center_kind = django_filters.ChoiceFilter(field_name="center__kind", choices=CenterKind.choices, label=_("中心"))
    status = django_filters.ChoiceFilter(choices=WorkItem.Status.choices, label=_("状态"))

    class Meta:
        model = WorkItem
        fields = ["status"]


class StaffAssignmentFilterSet(ScopedFilterSet):
    township = RegionSubtreeFilter(region_field="township", label=_("乡镇/街道"))
    current = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label=_("当前派驻"))

    class Meta:
        model = StaffAssignment
        fields = []


class PartyOrganizationFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    kind = django_filters.ChoiceFilter(choices=PartyOrganization.Kind.choices, label=_("组织类型"))

    class Meta:
        model = PartyOrganization
        fields = ["kind"]


class PartyMemberFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="resident__name", lookup_expr="icontains", label=_("姓名"))
    region = RegionSubtreeFilter()
    membership = django_filters.ChoiceFilter(choices=PartyMember.Membership.choices, label=_("党员类别"))
    in_service = django_filters.BooleanFilter(label=_("在职党员"))

    class Meta:
        model = PartyMember
        fields = ["membership", "in_service"]


class PioneerPostFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    kind = django_filters.ChoiceFilter(choices=PioneerPost.Kind.choices, label=_("岗位"))

    class Meta:
        model = PioneerPost
        fields = ["kind"]


class CandidateFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="resident__name", lookup_expr="icontains", label=_("姓名"))
    village = RegionSubtreeFilter(region_field="village", label=_("区域"))
    region = _hidden_region("village")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("阶段"))

    class Meta:
        model = Candidate
        fields = ["stage"]


class PipelineStepFilterSet(ScopedFilterSet):
    village = RegionSubtreeFilter(region_field="candidate__village", label=_("区域"))
    status = django_filters.ChoiceFilter(choices=PipelineStep.Status.choices, label=_("状态"))

    class Meta:
        model = PipelineStep
        fields = ["status"]


class ReserveCadreFilterSet(ScopedFilterSet):
    village = RegionSubtreeFilter(region_field="village", label=_("区域"))
    region = _hidden_region("village")
    kind = django_filters.ChoiceFilter(choices=ReserveCadre.Kind.choices, label=_("类别"))
    active = django_filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label=_("在库"))

    class Meta:
        model = ReserveCadre
        fields = ["kind"]


class TrainingSessionFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    level = django_filters.ChoiceFilter(field_name="course__level", choices=TrainingLevel.choices, label=_("培训层级"))
    year = YearFilter(field_name="date__year")

    class Meta:
        model = TrainingSession
        fields = []


class AttendanceFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()
    year = django_filters.NumberFilter(label=_("年度"), min_value=1900, max_value=2100)
    level = django_filters.ChoiceFilter(field_name="session__course__level", choices=TrainingLevel.choices,
                                       label=_("培训层级"))
    session = django_filters.NumberFilter(field_name="session_id", label=_("班次"))

    class Meta:
        model = Attendance
        fields = []


class CommitteePostFilterSet(ScopedFilterSet):
    village = RegionSubtreeFilter(region_field="village", label=_("区域"))
    body = django_filters.ChoiceFilter(choices=CommitteePost.Body.choices, label=_("组织"))

    class Meta:
        model = CommitteePost
        fields = ["body"]


class SecretaryRatingFilterSet(ScopedFilterSet):
    village = RegionSubtreeFilter(region_field="village", label=_("区域"))
    region = _hidden_region("village")
    year = django_filters.NumberFilter(label=_("年度"), min_value=1900, max_value=2100)
    stars = django_filters.NumberFilter(label=_("星级"))
    stars_max = django_filters.NumberFilter(field_name="stars", lookup_expr="lte", label=_("星级不高于"))
    latest = django_filters.BooleanFilter(method="filter_latest", label=_("仅看最近一次评定"))

    def filter_latest(self, qs, name, value):
        """Each village's most recent rating: the secretary's current stars."""
        if not value:
            return qs
        newest = SecretaryRating.objects.filter(village=OuterRef("village")).order_by("-year").values("year")[:1]
        return qs.filter(year=Subquery(newest))

    class Meta:
        model = SecretaryRating
        fields = ["year", "stars"]
