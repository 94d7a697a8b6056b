from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.api.base import ModelSerializer, ScopedRef, ScopedRefList
from grids import selectors as grid_selectors

from departments import selectors
from departments.models import (
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


class DepartmentSerializer(ModelSerializer):
    open_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "duties", "phone", "active", "open_count"]


class DepartmentWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=60)
    duties = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)


class CatalogueItemSerializer(ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = MatterCatalogueItem
        fields = ["id", "name", "level", "department", "department_name", "sla_days", "plain_description", "categories"]

    def get_categories(self, obj) -> list[int]:
        return [link.category_id for link in obj.category_links.all()]


class CatalogueItemWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    level = serializers.ChoiceField(choices=HandlingLevel.choices)
    department = ScopedRef(selectors.department_choices, required=False, allow_null=True, default=None)
    sla_days = serializers.IntegerField(min_value=1, max_value=365, default=10)
    plain_description = serializers.CharField()
    categories = ScopedRefList(grid_selectors.report_categories, required=False, default=list)


class AssignmentSerializer(ModelSerializer):
    issue_title = serializers.CharField(source="issue.title", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = DepartmentAssignment
        fields = ["id", "issue", "issue_title", "department", "department_name", "role", "lead", "catalogue_item",
                  "state", "part", "deadline", "result", "reason", "created_at", "accepted_at", "reported_at",
                  "handed_back_at", "confirmed_at", "is_overdue"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("理由"))


class ResultSerializer(serializers.Serializer):
    result = serializers.CharField(help_text=_("办理结果"))


class AssistSerializer(serializers.Serializer):
    department = ScopedRef(selectors.department_choices)
    part = serializers.CharField(help_text=_("请协办部门承担的工作"))


class ReassignSerializer(serializers.Serializer):
    department = ScopedRef(selectors.department_choices)
    reason = serializers.CharField()


class SupervisionSerializer(ModelSerializer):
    issue_title = serializers.CharField(source="issue.title", read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "issue", "issue_title", "requirement", "deadline", "state", "created_at", "escalated_at",
                  "closed_at", "closing_note"]


class SupervisionOpenSerializer(serializers.Serializer):
    issue = ScopedRef(grid_selectors.issue_list)
    requirement = serializers.CharField()
    deadline = serializers.DateTimeField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class WhistleCallSerializer(ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = WhistleCall
        fields = ["id", "whistle", "department", "department_name", "state", "people", "acknowledged_at", "missed_at",
                  "attendance_note"]


class WhistleSerializer(ModelSerializer):
    issue_title = serializers.CharField(source="issue.title", read_only=True)

    class Meta:
        model = Whistle
        fields = ["id", "issue", "issue_title", "township", "request", "meet_at", "place", "ack_deadline", "state",
                  "outcome", "blown_at", "closed_at"]


class WhistleBlowSerializer(serializers.Serializer):
    issue = ScopedRef(grid_selectors.issue_list)
    departments = ScopedRefList(selectors.department_choices)
    request = serializers.CharField()
    ack_hours = serializers.IntegerField(min_value=1, max_value=168, default=24)
    meet_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()


class AcknowledgeSerializer(serializers.Serializer):
    people = serializers.CharField(max_length=200)


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class UnitSupervisorSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = UnitSupervisor
        fields = ["id", "unit", "unit_name", "department", "department_name", "since"]


class StationedCadreSerializer(ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.parent_id", read_only=True)
    sending_unit = serializers.CharField(read_only=True)
    visit_count = serializers.IntegerField(read_only=True, default=0)
    last_visit = serializers.DateField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = StationedCadre
        fields = ["id", "user", "name", "village", "village_name", "township", "department", "unit_name",
                  "sending_unit", "post", "tasks", "start_date", "end_date", "state", "ended_at", "end_reason",
                  "visit_count", "last_visit"]


class StationSerializer(serializers.Serializer):
    village = ScopedRef(selectors.stationed_villages)
    user = ScopedRef(selectors.stationed_cadre_candidates, required=False, allow_null=True, default=None)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    department = ScopedRef(selectors.department_choices, required=False, allow_null=True, default=None)
    unit_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    post = serializers.ChoiceField(choices=StationedCadre.Post.choices)
    tasks = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class StationEndSerializer(serializers.Serializer):
    reason = serializers.CharField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class StationedVisitSerializer(ModelSerializer):
    class Meta:
        model = StationedVisit
        fields = ["id", "cadre", "date", "work", "households_visited", "note", "logged_at"]


class VisitLogSerializer(serializers.Serializer):
    date = serializers.DateField()
    work = serializers.CharField()
    households_visited = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")
