from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance import selectors as core
from governance.api.base import ModelSerializer, ScopedRef
from grids import selectors
from grids.models import (
    EscalationSLA,
    Grid,
    GridMember,
    Issue,
    IssueEvent,
    EscalationLevel,
    MajorEvent,
    MajorEventTask,
    Responsibility,
    Severity,
    Visit,
)


class GridSerializer(ModelSerializer):
    name = serializers.CharField(source="region.name", read_only=True)
    village = serializers.CharField(source="region.parent.name", read_only=True)
    leader_name = serializers.CharField(source="leader.name", read_only=True, default=None, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)
    assigned_count = serializers.IntegerField(read_only=True)
    open_issue_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "region", "name", "village", "leader", "leader_name", "member_count", "assigned_count",
                  "open_issue_count"]


class GridMemberSerializer(ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = GridMember
        fields = ["id", "grid", "resident", "name", "since"]


class GridMemberWriteSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list, help_text=_("本村（社区）的党员"))
    make_leader = serializers.BooleanField(default=False)


class ResponsibilitySerializer(ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "grid", "household", "household_number", "member", "member_name", "assigned_at"]


class ResponsibilityWriteSerializer(serializers.Serializer):
    household = ScopedRef(selectors.households)
    member = ScopedRef(core.resident_list, help_text=_("本网格的在岗党员"))


class IssueSerializer(ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    seconds_left = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = ["id", "title", "description", "category", "category_name", "severity", "region", "region_name",
                  "village", "township", "household", "resident", "reporter", "assignee", "level", "status",
                  "deadline", "seconds_left", "is_overdue", "version", "work_item", "reject_reason", "created_at",
                  "resolved_at"]

    def get_seconds_left(self, obj) -> int:
        return int(obj.time_left.total_seconds())


class IssueReportSerializer(serializers.Serializer):
    category = ScopedRef(selectors.report_categories, message=_("未知或已停用的事项类别。"))
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    household = ScopedRef(selectors.households, required=False, allow_null=True, default=None)
    region = ScopedRef(selectors.any_region, required=False, allow_null=True, default=None,
                       help_text=_("网格（村民小组/小区）"))
    resident = ScopedRef(core.resident_list, required=False, allow_null=True, default=None)


class IssueVersionSerializer(serializers.Serializer):
    """A step with nothing to say; `version` is the state the caller saw."""

    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text=_("您看到的版本；事件已被他人改动时返回409"))


class IssueNoteSerializer(IssueVersionSerializer):
    """`note`: what was done."""

    note = serializers.CharField(help_text=_("办理结果"))


class IssueReasonSerializer(IssueVersionSerializer):
    """`note`: the reason."""

    note = serializers.CharField(source="reason", help_text=_("理由"))


class ReporterReasonSerializer(serializers.Serializer):
    """The reporter's step: `note` says why."""

    note = serializers.CharField(source="reason", help_text=_("不满意的原因"))


class CommentSerializer(serializers.Serializer):
    note = serializers.CharField(help_text=_("备注内容"))


class IssueAssignSerializer(IssueVersionSerializer):
    assignee = ScopedRef(selectors.assignable_users, help_text=_("本级处置人员的用户编号"))


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(source="upload")


class IssueEventSerializer(ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = IssueEvent
        fields = ["id", "issue", "kind", "actor", "actor_name", "at", "from_status", "to_status", "from_level",
                  "to_level", "note"]

    def get_actor_name(self, obj) -> str:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor else ""


class VisitSerializer(ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "grid", "household", "member", "recorded_by", "visited_on", "notes", "issue"]


class VisitWriteSerializer(serializers.Serializer):
    household = ScopedRef(selectors.households)
    member = ScopedRef(core.resident_list, required=False, allow_null=True, default=None)
    visited_on = serializers.DateField(required=False)
    notes = serializers.CharField()
    raise_issue = serializers.BooleanField(default=False)
    category = ScopedRef(selectors.report_categories, required=False, allow_null=True, default=None,
                         message=_("未知或已停用的事项类别。"))
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    issue_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class MajorEventSerializer(ModelSerializer):
    task_count = serializers.IntegerField(read_only=True)
    ack_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MajorEvent
        fields = ["id", "title", "description", "region", "issue", "originator", "created_at", "task_count", "ack_count"]


class MajorEventWriteSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    issue = ScopedRef(selectors.issue_list, required=False, allow_null=True, default=None)


class MajorEventTaskSerializer(ModelSerializer):
    grid_name = serializers.CharField(source="grid.region.name", read_only=True)

    class Meta:
        model = MajorEventTask
        fields = ["id", "event", "grid", "grid_name", "acknowledged_at", "acknowledged_by", "note"]


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EscalationSLASerializer(ModelSerializer):
    class Meta:
        model = EscalationSLA
        fields = ["id", "level", "severity", "hours"]


class SLAWriteSerializer(serializers.Serializer):
    hours = serializers.IntegerField(min_value=1, max_value=2160)


class OverviewRowSerializer(serializers.Serializer):
    township_id = serializers.IntegerField()
    township__name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    at_grid = serializers.IntegerField()
    at_village = serializers.IntegerField()
    at_township = serializers.IntegerField()
    at_county = serializers.IntegerField()


LEVELS = EscalationLevel
