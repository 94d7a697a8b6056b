"""One FilterSet per model, serving both the HTML lists and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.filtersets import RegionSubtreeFilter, ScopedFilterSet, YearFilter

from .models import (Attendance, Channel, Comment, Council, LedgerLine, LedgerMonth, LedgerQuestion, Procedure, Proposal,
                     Resolution, SelfBuildProject, SupervisionNote, Topic, Vote)


class TopicFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("议题"))
    region = RegionSubtreeFilter(label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=Topic.Status.choices, label=_("状态"))
    passed = django_filters.BooleanFilter(label=_("表决通过"))

    class Meta:
        model = Topic
        fields = ["status", "passed", "region"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(background__icontains=value))


class ResolutionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("议题/决议"))
    region = RegionSubtreeFilter(region_field="topic__region", label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=Resolution.Status.choices, label=_("状态"))

    class Meta:
        model = Resolution
        fields = ["status", "region"]

    def search(self, qs, name, value):
        return qs.filter(Q(topic__title__icontains=value) | Q(text__icontains=value))


class CouncilFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(label=_("村/社区"))
    kind = django_filters.ChoiceFilter(choices=Council.Kind.choices, label=_("类型"))

    class Meta:
        model = Council
        fields = ["kind", "region"]


class CommentFilterSet(ScopedFilterSet):
    topic = django_filters.NumberFilter(field_name="topic_id", label=_("议题"))

    class Meta:
        model = Comment
        fields = ["topic"]


class VoteFilterSet(ScopedFilterSet):
    topic = django_filters.NumberFilter(field_name="topic_id", label=_("议题"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("渠道"))

    class Meta:
        model = Vote
        fields = ["topic", "channel"]


class AttendanceFilterSet(VoteFilterSet):
    class Meta:
        model = Attendance
        fields = ["topic", "channel"]


class SupervisionNoteFilterSet(ScopedFilterSet):
    resolution = django_filters.NumberFilter(field_name="resolution_id", label=_("决议"))
    council = django_filters.NumberFilter(field_name="council_id", label=_("理事会"))

    class Meta:
        model = SupervisionNote
        fields = ["resolution", "council"]


class ProposalFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("提议事项"))
    region = RegionSubtreeFilter(label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=Proposal.Status.choices, label=_("状态"))

    class Meta:
        model = Proposal
        fields = ["status", "region"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(body__icontains=value))


class ProcedureFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="topic__region", label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=Procedure.Status.choices, label=_("进度"))
    topic = django_filters.NumberFilter(field_name="topic_id", label=_("议题"))

    class Meta:
        model = Procedure
        fields = ["status", "region", "topic"]


class LedgerMonthFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=LedgerMonth.Status.choices, label=_("状态"))
    year = YearFilter(field_name="month__year", label=_("年份"))

    class Meta:
        model = LedgerMonth
        fields = ["status", "region", "year"]


class LedgerLineFilterSet(ScopedFilterSet):
    month = django_filters.NumberFilter(field_name="month_id", label=_("月份"))
    kind = django_filters.ChoiceFilter(choices=LedgerLine.Kind.choices, label=_("收支"))
    category = django_filters.ChoiceFilter(choices=LedgerLine.Category.choices, label=_("类别"))

    class Meta:
        model = LedgerLine
        fields = ["month", "kind", "category"]


class LedgerQuestionFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="line__month__region", label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=LedgerQuestion.Status.choices, label=_("状态"))

    class Meta:
        model = LedgerQuestion
        fields = ["status", "region"]


class SelfBuildFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("项目名称"))
    region = RegionSubtreeFilter(label=_("村/社区"))
    status = django_filters.ChoiceFilter(choices=SelfBuildProject.Status.choices, label=_("状态"))

    class Meta:
        model = SelfBuildProject
        fields = ["status", "region"]
