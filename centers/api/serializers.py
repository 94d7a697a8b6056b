"""API shapes of centers/: read serializers, and the input of each verb — references are ScopedRef fields
resolved inside the caller's scope (400 on the field otherwise), field names are the action's parameters."""
from functools import partial

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from centers import selectors
from centers.models import (
    Attendance,
    Candidate,
    Center,
    Cluster,
    CommitteePost,
    CommitteeSeat,
    Course,
    LeadGooseMark,
    LeadGooseMeasure,
    ModeSwitch,
    OperatingMode,
    PartyMember,
    PartyOrganization,
    PioneerPost,
    PipelineStep,
    ReserveCadre,
    ReserveShortfall,
    SecretaryRating,
    StageRule,
    StaffAssignment,
    StarRule,
    TownshipMode,
    TrainingLevel,
    TrainingRequirement,
    TrainingSession,
    Unit,
    VillageContact,
    WorkCategory,
    WorkItem,
)
from governance import selectors as core
from governance.api.base import ModelSerializer, ScopedRef, ScopedRefList


def _user_name(user):
    return (user.get_full_name() or user.username) if user else None


class CenterSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Center
        fields = ["id", "township", "kind", "kind_display"]


class WorkCategorySerializer(ModelSerializer):
    class Meta:
        model = WorkCategory
        fields = ["id", "code", "name", "center_kind", "active"]


class WorkItemSerializer(ModelSerializer):
    center_kind = serializers.CharField(source="center.kind", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    assignee_name = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = ["id", "township", "center", "center_kind", "category", "category_name", "title", "description",
                  "status", "deadline", "assignee", "assignee_name", "created_at", "done_at"]

    def get_assignee_name(self, obj) -> str | None:
        return _user_name(obj.assignee)


class WorkItemCreateSerializer(serializers.Serializer):
    township = ScopedRef(partial(core.region_list, action="change"))
    category = ScopedRef(selectors.work_category_list)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AssignSerializer(serializers.Serializer):
    assignee = ScopedRef(selectors.staff_users, help_text=_("承办干部的用户编号"))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ApproveSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="",
        help_text=_("申请人信用等级不符合规定时，乡镇仍审批的理由（记录在案）"))


class StaffAssignmentSerializer(ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = StaffAssignment
        fields = ["id", "user", "user_name", "township", "center", "original_unit", "original_post", "establishment",
                  "start_date", "end_date", "note"]

    def get_user_name(self, obj) -> str | None:
        return _user_name(obj.user)


class StaffAssignmentCreateSerializer(serializers.Serializer):
    user = ScopedRef(selectors.township_cadres)
    center = ScopedRef(selectors.center_list)
    start_date = serializers.DateField()
    original_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    original_post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    establishment = serializers.ChoiceField(choices=StaffAssignment.Establishment.choices, required=False,
                                            allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EndDateSerializer(serializers.Serializer):
    end_date = serializers.DateField()


class TownshipModeSerializer(ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = TownshipMode
        fields = ["id", "township", "township_name", "mode", "changed_at"]


class ModeSwitchRequestSerializer(serializers.Serializer):
    to_mode = serializers.ChoiceField(choices=OperatingMode.choices)
    reason = serializers.CharField(max_length=300)


class ModeSwitchSerializer(ModelSerializer):
    class Meta:
        model = ModeSwitch
        fields = ["id", "township", "from_mode", "to_mode", "reason", "actor", "at"]


class ClusterSerializer(ModelSerializer):
    village_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cluster
        fields = ["id", "township", "name", "leader", "cadres", "village_count"]


class ClusterCreateSerializer(serializers.Serializer):
    township = ScopedRef(core.region_list)
    name = serializers.CharField(max_length=60)
    leader = ScopedRef(selectors.staff_users, required=False, allow_null=True, default=None)
    cadres = ScopedRefList(selectors.staff_users, required=False, default=list)


class VillageContactSerializer(ModelSerializer):
    cadre_name = serializers.SerializerMethodField()

    class Meta:
        model = VillageContact
        fields = ["id", "village", "cadre", "cadre_name", "cluster", "since"]

    def get_cadre_name(self, obj) -> str | None:
        return _user_name(obj.cadre)


class VillageContactCreateSerializer(serializers.Serializer):
    village = ScopedRef(core.region_list)
    cadre = ScopedRef(selectors.staff_users)
    cluster = ScopedRef(selectors.cluster_list, required=False, allow_null=True, default=None)


class PartyOrganizationSerializer(ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "kind", "region", "center", "parent", "secretary", "member_count"]


class PartyOrganizationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PartyOrganization.Kind.choices)
    region = ScopedRef(core.region_list)
    parent = ScopedRef(selectors.party_organization_list, required=False, allow_null=True, default=None)


class CommitteeSeatSerializer(ModelSerializer):
    class Meta:
        model = CommitteeSeat
        fields = ["id", "organization", "person_name", "title", "part_time", "unit"]


class CommitteeSeatCreateSerializer(serializers.Serializer):
    organization = ScopedRef(selectors.party_organization_list)
    person_name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=50, required=False, default="委员")
    part_time = serializers.BooleanField(default=False)
    unit = ScopedRef(selectors.active_units, required=False, allow_null=True, default=None,
                     help_text=_("兼职委员所在的共驻共建单位"))


class UnitSerializer(ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "region", "address", "contact_name", "active"]


class PartyMemberSerializer(ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = PartyMember
        fields = ["id", "resident", "name", "organization", "region", "membership", "joined_on", "in_service",
                  "work_unit", "active"]


class PartyMemberCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    organization = ScopedRef(selectors.party_organization_list)
    joined_on = serializers.DateField()
    membership = serializers.ChoiceField(choices=PartyMember.Membership.choices, default=PartyMember.Membership.FULL)
    in_service = serializers.BooleanField(default=False)
    work_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PioneerPostSerializer(ModelSerializer):
    class Meta:
        model = PioneerPost
        fields = ["id", "region", "kind", "member", "since"]


class PioneerPostCreateSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    kind = serializers.ChoiceField(choices=PioneerPost.Kind.choices)
    member = ScopedRef(selectors.party_member_list)


class CandidateSerializer(ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)
    mentor_name = serializers.CharField(source="mentor.resident.name", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "resident", "name", "village", "organization", "stage", "stage_since", "mentor", "mentor_name"]


class CandidateCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    organization = ScopedRef(selectors.party_organization_list)
    applied_on = serializers.DateField()
    mentor = ScopedRef(selectors.party_member_list)


class MentorSerializer(serializers.Serializer):
    mentor = ScopedRef(selectors.party_member_list)


class ProposeSerializer(serializers.Serializer):
    step_date = serializers.DateField(help_text=_("拟进入下一阶段的日期"))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PipelineStepSerializer(ModelSerializer):
    class Meta:
        model = PipelineStep
        fields = ["id", "candidate", "from_stage", "to_stage", "status", "step_date", "required_days", "waited_days",
                  "note", "proposed_by", "proposed_at", "approved_by", "approved_at", "filed_by", "filed_at"]


class StageRuleSerializer(ModelSerializer):
    class Meta:
        model = StageRule
        fields = ["id", "to_stage", "min_days", "basis"]


class ReserveCadreSerializer(ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = ReserveCadre
        fields = ["id", "village", "resident", "name", "kind", "since", "left_on", "left_reason"]


class ReserveCadreCreateSerializer(serializers.Serializer):
    village = ScopedRef(core.region_list)
    resident = ScopedRef(core.resident_list)
    kind = serializers.ChoiceField(choices=ReserveCadre.Kind.choices, default=ReserveCadre.Kind.RESERVE)


class ReserveShortfallSerializer(ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = ReserveShortfall
        fields = ["id", "village", "village_name", "count", "since", "notified"]


class CourseSerializer(ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "title", "level", "region", "description"]


class CourseCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    level = serializers.ChoiceField(choices=TrainingLevel.choices)
    region = ScopedRef(core.region_list)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingSessionSerializer(ModelSerializer):
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "course", "region", "date", "hours", "location", "attendee_count"]


class TrainingSessionCreateSerializer(serializers.Serializer):
    course = ScopedRef(selectors.course_list)
    region = ScopedRef(core.region_list)
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    location = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class BulkAttendanceSerializer(serializers.Serializer):
    residents = ScopedRefList(core.resident_list, min_length=1, max_length=500)


class BulkAttendanceResultSerializer(serializers.Serializer):
    added = serializers.IntegerField(source="*", help_text=_("新登记的到课人数（已登记的跳过）"))


class AttendanceSerializer(ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "session", "resident", "region", "hours", "year"]


class TrainingRequirementSerializer(ModelSerializer):
    class Meta:
        model = TrainingRequirement
        fields = ["id", "year", "hours"]


class CommitteePostSerializer(ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = CommitteePost
        fields = ["id", "village", "resident", "name", "body", "post", "since"]


class CommitteePostCreateSerializer(serializers.Serializer):
    village = ScopedRef(core.region_list)
    resident = ScopedRef(core.resident_list)
    body = serializers.ChoiceField(choices=CommitteePost.Body.choices)
    post = serializers.ChoiceField(choices=CommitteePost.Post.choices)


class StarRuleSerializer(ModelSerializer):
    class Meta:
        model = StarRule
        fields = ["id", "stars", "min_exam_average", "min_evaluation"]


class SecretaryRatingSerializer(ModelSerializer):
    class Meta:
        model = SecretaryRating
        fields = ["id", "village", "secretary", "year", "exam_theory", "exam_practice", "evaluation", "stars",
                  "rated_at"]


class SecretaryRatingCreateSerializer(serializers.Serializer):
    village = ScopedRef(core.region_list)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    exam_theory = serializers.DecimalField(max_digits=5, decimal_places=1)
    exam_practice = serializers.DecimalField(max_digits=5, decimal_places=1)
    evaluation = serializers.DecimalField(max_digits=5, decimal_places=1)


class LeadGooseMeasureSerializer(ModelSerializer):
    class Meta:
        model = LeadGooseMeasure
        fields = ["id", "name", "order", "active"]


class LeadGooseMarkSerializer(ModelSerializer):
    class Meta:
        model = LeadGooseMark
        fields = ["id", "measure", "village", "year", "done", "note", "marked_at"]


class LeadGooseMarkCreateSerializer(serializers.Serializer):
    measure = ScopedRef(selectors.lead_goose_measure_list)
    village = ScopedRef(core.region_list)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    done = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
