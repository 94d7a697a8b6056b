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
