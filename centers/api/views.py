"""API of centers/: scoped lists, and every write declared as a verb — the input serializer (references
resolved in the caller's scope), the one action, what the answer shows. Workflow steps are POST
…/{id}/<verb>/; the action's scoped load is the 404 for an object out of sight (before the body is read)."""
from __future__ import annotations

from rest_framework import status

from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, verb

from centers import actions, selectors
from centers import filtersets as fs
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
    TrainingRequirement,
    TrainingSession,
    Unit,
    VillageContact,
    WorkCategory,
    WorkItem,
)

from . import serializers as s


class CenterViewSet(ScopedReadOnlyViewSet):
    queryset = Center.objects.all()
    selector = selectors.center_list
    serializer_class = s.CenterSerializer


class WorkCategoryViewSet(ScopedReadOnlyViewSet):
    queryset = WorkCategory.objects.all()
    selector = selectors.work_category_list
    serializer_class = s.WorkCategorySerializer


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.all()
    selector = selectors.unit_list
    serializer_class = s.UnitSerializer


class WorkItemViewSet(ScopedViewSet):
    queryset = WorkItem.objects.all()
    selector = selectors.work_item_list
    serializer_class = s.WorkItemSerializer
    filterset_class = fs.WorkItemFilterSet


    create = verb(actions.work_item_create, input=s.WorkItemCreateSerializer, detail=False)
    take = verb(actions.work_item_take, pk_arg="item_id")
    assign = verb(actions.work_item_assign, input=s.AssignSerializer, pk_arg="item_id")
    complete = verb(actions.work_item_complete, input=s.NoteSerializer, pk_arg="item_id")

class TownshipModeViewSet(ScopedViewSet):
    queryset = TownshipMode.objects.all()
    selector = selectors.township_mode_list
    serializer_class = s.TownshipModeSerializer


    switch = verb(actions.township_mode_switch, input=s.ModeSwitchRequestSerializer, pk_arg="mode_id",
                  output=s.ModeSwitchSerializer)

class ModeSwitchViewSet(ScopedReadOnlyViewSet):
    queryset = ModeSwitch.objects.all()
    selector = selectors.mode_switch_list
    serializer_class = s.ModeSwitchSerializer


class StaffAssignmentViewSet(ScopedViewSet):
    queryset = StaffAssignment.objects.all()
    selector = selectors.staff_assignment_list
    serializer_class = s.StaffAssignmentSerializer
    filterset_class = fs.StaffAssignmentFilterSet


    create = verb(actions.staff_assign, input=s.StaffAssignmentCreateSerializer, detail=False)
    end = verb(actions.staff_assignment_end, input=s.EndDateSerializer, pk_arg="assignment_id")

class ClusterViewSet(ScopedViewSet):
    queryset = Cluster.objects.all()
    selector = selectors.cluster_list
    serializer_class = s.ClusterSerializer


    create = verb(actions.cluster_create, input=s.ClusterCreateSerializer, detail=False, reread=True)

class VillageContactViewSet(ScopedViewSet):
    queryset = VillageContact.objects.all()
    selector = selectors.village_contact_list
    serializer_class = s.VillageContactSerializer


    create = verb(actions.village_contact_set, input=s.VillageContactCreateSerializer, detail=False)
    remove = verb(actions.village_contact_remove, input=s.ReasonSerializer, pk_arg="contact_id")

class PartyOrganizationViewSet(ScopedViewSet):
    queryset = PartyOrganization.objects.all()
    selector = selectors.party_organization_list
    serializer_class = s.PartyOrganizationSerializer
    filterset_class = fs.PartyOrganizationFilterSet


    create = verb(actions.party_organization_create, input=s.PartyOrganizationCreateSerializer, detail=False,
                  reread=True)

class CommitteeSeatViewSet(ScopedViewSet):
    queryset = CommitteeSeat.objects.all()
    selector = selectors.committee_seat_list
    serializer_class = s.CommitteeSeatSerializer


    create = verb(actions.committee_seat_add, input=s.CommitteeSeatCreateSerializer, detail=False)

class PartyMemberViewSet(ScopedViewSet):
    queryset = PartyMember.objects.all()
    selector = selectors.party_member_list
    serializer_class = s.PartyMemberSerializer
    filterset_class = fs.PartyMemberFilterSet


    create = verb(actions.party_member_create, input=s.PartyMemberCreateSerializer, detail=False)

class PioneerPostViewSet(ScopedViewSet):
    queryset = PioneerPost.objects.all()
    selector = selectors.pioneer_post_list
    serializer_class = s.PioneerPostSerializer
    filterset_class = fs.PioneerPostFilterSet


    create = verb(actions.pioneer_post_assign, input=s.PioneerPostCreateSerializer, detail=False)

class CandidateViewSet(ScopedViewSet):
    queryset = Candidate.objects.all()
    selector = selectors.candidate_list
    serializer_class = s.CandidateSerializer
    filterset_class = fs.CandidateFilterSet


    create = verb(actions.candidate_create, input=s.CandidateCreateSerializer, detail=False)
    propose = verb(actions.step_propose, input=s.ProposeSerializer, pk_arg="candidate_id",
                   output=s.PipelineStepSerializer, status=status.HTTP_201_CREATED)
    mentor = verb(actions.candidate_set_mentor, input=s.MentorSerializer, pk_arg="candidate_id")

class PipelineStepViewSet(ScopedViewSet):
    queryset = PipelineStep.objects.all()
    selector = selectors.pipeline_step_list
    serializer_class = s.PipelineStepSerializer
    filterset_class = fs.PipelineStepFilterSet


    approve = verb(actions.step_approve, input=s.ApproveSerializer, pk_arg="step_id",
                   doc="镇管: approve; a credit grade below the county's rule needs override_reason (recorded).")
    reject = verb(actions.step_reject, input=s.ReasonSerializer, pk_arg="step_id")
    file_step = verb(actions.step_file, pk_arg="step_id", url_path="file")

class StageRuleViewSet(ScopedReadOnlyViewSet):
    queryset = StageRule.objects.all()
    selector = selectors.stage_rule_list
    serializer_class = s.StageRuleSerializer


class ReserveCadreViewSet(ScopedViewSet):
    queryset = ReserveCadre.objects.all()
    selector = selectors.reserve_list
    serializer_class = s.ReserveCadreSerializer
    filterset_class = fs.ReserveCadreFilterSet


    create = verb(actions.reserve_add, input=s.ReserveCadreCreateSerializer, detail=False)
    remove = verb(actions.reserve_remove, input=s.ReasonSerializer, pk_arg="reserve_id")

class ReserveShortfallViewSet(ScopedReadOnlyViewSet):
    queryset = ReserveShortfall.objects.all()
    selector = selectors.reserve_shortfall_list
    serializer_class = s.ReserveShortfallSerializer


class CourseViewSet(ScopedViewSet):
    queryset = Course.objects.all()
    selector = selectors.course_list
    serializer_class = s.CourseSerializer


    create = verb(actions.course_create, input=s.CourseCreateSerializer, detail=False)

class TrainingSessionViewSet(ScopedViewSet):
    queryset = TrainingSession.objects.all()
    selector = selectors.session_list
    serializer_class = s.TrainingSessionSerializer
    filterset_class = fs.TrainingSessionFilterSet


    create = verb(actions.session_create, input=s.TrainingSessionCreateSerializer, detail=False, reread=True)
    attendance = verb(actions.attendance_record_bulk, input=s.BulkAttendanceSerializer, obj_arg="session",
                      output=s.BulkAttendanceResultSerializer)

class AttendanceViewSet(ScopedReadOnlyViewSet):
    queryset = Attendance.objects.all()
    selector = selectors.attendance_list
    serializer_class = s.AttendanceSerializer
    filterset_class = fs.AttendanceFilterSet


class TrainingRequirementViewSet(ScopedReadOnlyViewSet):
    queryset = TrainingRequirement.objects.all()
    selector = selectors.training_requirement_list
    serializer_class = s.TrainingRequirementSerializer


class CommitteePostViewSet(ScopedViewSet):
    queryset = CommitteePost.objects.all()
    selector = selectors.committee_post_list
    serializer_class = s.CommitteePostSerializer
    filterset_class = fs.CommitteePostFilterSet


    create = verb(actions.committee_post_set, input=s.CommitteePostCreateSerializer, detail=False)

class StarRuleViewSet(ScopedReadOnlyViewSet):
    queryset = StarRule.objects.all()
    selector = selectors.star_rule_list
    serializer_class = s.StarRuleSerializer


class SecretaryRatingViewSet(ScopedViewSet):
    queryset = SecretaryRating.objects.all()
    selector = selectors.secretary_rating_list
    serializer_class = s.SecretaryRatingSerializer
    filterset_class = fs.SecretaryRatingFilterSet


    create = verb(actions.secretary_rate, input=s.SecretaryRatingCreateSerializer, detail=False)

class LeadGooseMeasureViewSet(ScopedReadOnlyViewSet):
    queryset = LeadGooseMeasure.objects.all()
    selector = selectors.lead_goose_measure_list
    serializer_class = s.LeadGooseMeasureSerializer


class LeadGooseMarkViewSet(ScopedViewSet):
    queryset = LeadGooseMark.objects.all()
    selector = selectors.lead_goose_mark_list
    serializer_class = s.LeadGooseMarkSerializer


    create = verb(actions.lead_goose_mark, input=s.LeadGooseMarkCreateSerializer, detail=False)
