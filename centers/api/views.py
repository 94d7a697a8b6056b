"""API of centers/: scoped lists, and each workflow step as POST …/{id}/<verb>/ calling one action.
Detail actions call `self.get_object()` first, so an object out of scope is 404 before the body is read."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import selectors as core
from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet
from governance.api.views import scoped_get

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


def staff_user(request, pk):
    """A township cadre the caller can see through a current center assignment."""
    return scoped_get(selectors.staff_assignment_list(user=request.user).filter(end_date__isnull=True), pk,
                      field="user_id").user


def region(request, pk):
    return scoped_get(core.region_list(user=request.user), pk)


def resident(request, pk):
    return scoped_get(core.resident_list(user=request.user).select_related("region"), pk)


def created(serializer_class, obj):
    return Response(serializer_class(obj).data, status=status.HTTP_201_CREATED)


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

    @extend_schema(request=s.WorkItemCreateSerializer, responses={201: s.WorkItemSerializer})
    def create(self, request):
        ser = s.WorkItemCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        township = scoped_get(core.region_list(user=request.user, action="change"), d["township"])
        category = scoped_get(selectors.work_category_list(user=request.user), d["category"])
        item = actions.work_item_create(actor=request.user, township=township, category=category, title=d["title"],
                                        description=d["description"], deadline=d["deadline"])
        return created(s.WorkItemSerializer, item)

    @extend_schema(request=None, responses={200: s.WorkItemSerializer})
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        item = self.get_object()
        return Response(s.WorkItemSerializer(actions.work_item_take(actor=request.user, item_id=item.pk)).data)

    @extend_schema(request=s.AssignSerializer, responses={200: s.WorkItemSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        item = self.get_object()
        ser = s.AssignSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        assignee = staff_user(request, ser.validated_data["assignee"])
        return Response(s.WorkItemSerializer(
            actions.work_item_assign(actor=request.user, item_id=item.pk, assignee=assignee)).data)

    @extend_schema(request=s.NoteSerializer, responses={200: s.WorkItemSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        item = self.get_object()
        ser = s.NoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(s.WorkItemSerializer(
            actions.work_item_complete(actor=request.user, item_id=item.pk, note=ser.validated_data["note"])).data)


class TownshipModeViewSet(ScopedViewSet):
    queryset = TownshipMode.objects.all()
    selector = selectors.township_mode_list
    serializer_class = s.TownshipModeSerializer

    @extend_schema(request=s.ModeSwitchRequestSerializer, responses={200: s.ModeSwitchSerializer})
    @action(detail=True, methods=["post"])
    def switch(self, request, pk=None):
        mode = self.get_object()
        ser = s.ModeSwitchRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        switch = actions.township_mode_switch(actor=request.user, township=mode.township, **ser.validated_data)
        return Response(s.ModeSwitchSerializer(switch).data)


class ModeSwitchViewSet(ScopedReadOnlyViewSet):
    queryset = ModeSwitch.objects.all()
    selector = selectors.mode_switch_list
    serializer_class = s.ModeSwitchSerializer


class StaffAssignmentViewSet(ScopedViewSet):
    queryset = StaffAssignment.objects.all()
    selector = selectors.staff_assignment_list
    serializer_class = s.StaffAssignmentSerializer
    filterset_class = fs.StaffAssignmentFilterSet

    @extend_schema(request=s.StaffAssignmentCreateSerializer, responses={201: s.StaffAssignmentSerializer})
    def create(self, request):
        ser = s.StaffAssignmentCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        center = scoped_get(selectors.center_list(user=request.user), d.pop("center"))
        user = scoped_get(core.role_assignment_list(user=request.user), d.pop("user"), field="user_id").user
        return created(s.StaffAssignmentSerializer, actions.staff_assign(actor=request.user, user=user, center=center, **d))

    @extend_schema(request=s.EndDateSerializer, responses={200: s.StaffAssignmentSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = self.get_object()
        ser = s.EndDateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(s.StaffAssignmentSerializer(actions.staff_assignment_end(
            actor=request.user, assignment_id=assignment.pk, end_date=ser.validated_data["end_date"])).data)


class ClusterViewSet(ScopedViewSet):
    queryset = Cluster.objects.all()
    selector = selectors.cluster_list
    serializer_class = s.ClusterSerializer

    @extend_schema(request=s.ClusterCreateSerializer, responses={201: s.ClusterSerializer})
    def create(self, request):
        ser = s.ClusterCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        township = region(request, d["township"])
        leader = staff_user(request, d["leader"]) if d["leader"] else None
        cadres = [staff_user(request, pk) for pk in d["cadres"]]
        cluster = actions.cluster_create(actor=request.user, township=township, name=d["name"], leader=leader,
                                         cadres=cadres)
        return created(s.ClusterSerializer, self.get_queryset().get(pk=cluster.pk))


class VillageContactViewSet(ScopedViewSet):
    queryset = VillageContact.objects.all()
    selector = selectors.village_contact_list
    serializer_class = s.VillageContactSerializer

    @extend_schema(request=s.VillageContactCreateSerializer, responses={201: s.VillageContactSerializer})
    def create(self, request):
        ser = s.VillageContactCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        cluster = scoped_get(selectors.cluster_list(user=request.user), d["cluster"]) if d["cluster"] else None
        contact = actions.village_contact_set(actor=request.user, village=region(request, d["village"]),
                                              cadre=staff_user(request, d["cadre"]), cluster=cluster)
        return created(s.VillageContactSerializer, contact)

    @extend_schema(request=s.ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        contact = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        actions.village_contact_remove(actor=request.user, contact_id=contact.pk, reason=ser.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartyOrganizationViewSet(ScopedViewSet):
    queryset = PartyOrganization.objects.all()
    selector = selectors.party_organization_list
    serializer_class = s.PartyOrganizationSerializer
    filterset_class = fs.PartyOrganizationFilterSet

    @extend_schema(request=s.PartyOrganizationCreateSerializer, responses={201: s.PartyOrganizationSerializer})
    def create(self, request):
        ser = s.PartyOrganizationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        parent = scoped_get(self.get_queryset(), d["parent"]) if d["parent"] else None
        org = actions.party_organization_create(actor=request.user, name=d["name"], kind=d["kind"],
                                                region=region(request, d["region"]), parent=parent)
        return created(s.PartyOrganizationSerializer, self.get_queryset().get(pk=org.pk))


class CommitteeSeatViewSet(ScopedViewSet):
    queryset = CommitteeSeat.objects.all()
    selector = selectors.committee_seat_list
    serializer_class = s.CommitteeSeatSerializer

    @extend_schema(request=s.CommitteeSeatCreateSerializer, responses={201: s.CommitteeSeatSerializer})
    def create(self, request):
        ser = s.CommitteeSeatCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        org = scoped_get(selectors.party_organization_list(user=request.user), d.pop("organization"))
        unit_id = d.pop("unit")
        unit = scoped_get(selectors.co_building_units(organization=org), unit_id) if unit_id else None
        return created(s.CommitteeSeatSerializer,
                       actions.committee_seat_add(actor=request.user, organization=org, unit=unit, **d))


class PartyMemberViewSet(ScopedViewSet):
    queryset = PartyMember.objects.all()
    selector = selectors.party_member_list
    serializer_class = s.PartyMemberSerializer
    filterset_class = fs.PartyMemberFilterSet

    @extend_schema(request=s.PartyMemberCreateSerializer, responses={201: s.PartyMemberSerializer})
    def create(self, request):
        ser = s.PartyMemberCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        org = scoped_get(selectors.party_organization_list(user=request.user), d.pop("organization"))
        member = actions.party_member_create(actor=request.user, resident=resident(request, d.pop("resident")),
                                             organization=org, **d)
        return created(s.PartyMemberSerializer, member)


class PioneerPostViewSet(ScopedViewSet):
    queryset = PioneerPost.objects.all()
    selector = selectors.pioneer_post_list
    serializer_class = s.PioneerPostSerializer
    filterset_class = fs.PioneerPostFilterSet

    @extend_schema(request=s.PioneerPostCreateSerializer, responses={201: s.PioneerPostSerializer})
    def create(self, request):
        ser = s.PioneerPostCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        member = scoped_get(selectors.party_member_list(user=request.user), d["member"])
        post = actions.pioneer_post_assign(actor=request.user, region=region(request, d["region"]), kind=d["kind"],
                                           member=member)
        return created(s.PioneerPostSerializer, post)


class CandidateViewSet(ScopedViewSet):
    queryset = Candidate.objects.all()
    selector = selectors.candidate_list
    serializer_class = s.CandidateSerializer
    filterset_class = fs.CandidateFilterSet

    @extend_schema(request=s.CandidateCreateSerializer, responses={201: s.CandidateSerializer})
    def create(self, request):
        ser = s.CandidateCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        org = scoped_get(selectors.party_organization_list(user=request.user), d["organization"])
        mentor = scoped_get(selectors.party_member_list(user=request.user), d["mentor"])
        cand = actions.candidate_create(actor=request.user, resident=resident(request, d["resident"]),
                                        organization=org, applied_on=d["applied_on"], mentor=mentor)
        return created(s.CandidateSerializer, cand)

    @extend_schema(request=s.ProposeSerializer, responses={201: s.PipelineStepSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        cand = self.get_object()
        ser = s.ProposeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        step = actions.step_propose(actor=request.user, candidate_id=cand.pk, **ser.validated_data)
        return created(s.PipelineStepSerializer, step)

    @extend_schema(request=s.MentorSerializer, responses={200: s.CandidateSerializer})
    @action(detail=True, methods=["post"])
    def mentor(self, request, pk=None):
        cand = self.get_object()
        ser = s.MentorSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        mentor = scoped_get(selectors.party_member_list(user=request.user), ser.validated_data["mentor"])
        return Response(s.CandidateSerializer(
            actions.candidate_set_mentor(actor=request.user, candidate_id=cand.pk, mentor=mentor)).data)


class PipelineStepViewSet(ScopedViewSet):
    queryset = PipelineStep.objects.all()
    selector = selectors.pipeline_step_list
    serializer_class = s.PipelineStepSerializer
    filterset_class = fs.PipelineStepFilterSet

    @extend_schema(request=None, responses={200: s.PipelineStepSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        step = self.get_object()
        return Response(s.PipelineStepSerializer(actions.step_approve(actor=request.user, step_id=step.pk)).data)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.PipelineStepSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        step = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(s.PipelineStepSerializer(
            actions.step_reject(actor=request.user, step_id=step.pk, reason=ser.validated_data["reason"])).data)

    @extend_schema(request=None, responses={200: s.PipelineStepSerializer})
    @action(detail=True, methods=["post"], url_path="file")
    def file_step(self, request, pk=None):
        step = self.get_object()
        return Response(s.PipelineStepSerializer(actions.step_file(actor=request.user, step_id=step.pk)).data)


class StageRuleViewSet(ScopedReadOnlyViewSet):
    queryset = StageRule.objects.all()
    selector = selectors.stage_rule_list
    serializer_class = s.StageRuleSerializer


class ReserveCadreViewSet(ScopedViewSet):
    queryset = ReserveCadre.objects.all()
    selector = selectors.reserve_list
    serializer_class = s.ReserveCadreSerializer
    filterset_class = fs.ReserveCadreFilterSet

    @extend_schema(request=s.ReserveCadreCreateSerializer, responses={201: s.ReserveCadreSerializer})
    def create(self, request):
        ser = s.ReserveCadreCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        entry = actions.reserve_add(actor=request.user, village=region(request, d["village"]),
                                    resident=resident(request, d["resident"]), kind=d["kind"])
        return created(s.ReserveCadreSerializer, entry)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.ReserveCadreSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(s.ReserveCadreSerializer(
            actions.reserve_remove(actor=request.user, reserve_id=entry.pk, reason=ser.validated_data["reason"])).data)


class ReserveShortfallViewSet(ScopedReadOnlyViewSet):
    queryset = ReserveShortfall.objects.all()
    selector = selectors.reserve_shortfall_list
    serializer_class = s.ReserveShortfallSerializer


class CourseViewSet(ScopedViewSet):
    queryset = Course.objects.all()
    selector = selectors.course_list
    serializer_class = s.CourseSerializer

    @extend_schema(request=s.CourseCreateSerializer, responses={201: s.CourseSerializer})
    def create(self, request):
        ser = s.CourseCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        course = actions.course_create(actor=request.user, region=region(request, d.pop("region")), **d)
        return created(s.CourseSerializer, course)


class TrainingSessionViewSet(ScopedViewSet):
    queryset = TrainingSession.objects.all()
    selector = selectors.session_list
    serializer_class = s.TrainingSessionSerializer
    filterset_class = fs.TrainingSessionFilterSet

    @extend_schema(request=s.TrainingSessionCreateSerializer, responses={201: s.TrainingSessionSerializer})
    def create(self, request):
        ser = s.TrainingSessionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        course = scoped_get(selectors.course_list(user=request.user), d.pop("course"))
        session = actions.session_create(actor=request.user, course=course, region=region(request, d.pop("region")), **d)
        return created(s.TrainingSessionSerializer, self.get_queryset().get(pk=session.pk))

    @extend_schema(request=s.BulkAttendanceSerializer, responses={200: s.BulkAttendanceResultSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        session = self.get_object()
        ser = s.BulkAttendanceSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        residents = [resident(request, pk) for pk in dict.fromkeys(ser.validated_data["residents"])]
        added = actions.attendance_record_bulk(actor=request.user, session=session, residents=residents)
        return Response({"added": added})


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

    @extend_schema(request=s.CommitteePostCreateSerializer, responses={201: s.CommitteePostSerializer})
    def create(self, request):
        ser = s.CommitteePostCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        post = actions.committee_post_set(actor=request.user, village=region(request, d["village"]),
                                          resident=resident(request, d["resident"]), body=d["body"], post=d["post"])
        return created(s.CommitteePostSerializer, post)


class StarRuleViewSet(ScopedReadOnlyViewSet):
    queryset = StarRule.objects.all()
    selector = selectors.star_rule_list
    serializer_class = s.StarRuleSerializer


class SecretaryRatingViewSet(ScopedViewSet):
    queryset = SecretaryRating.objects.all()
    selector = selectors.secretary_rating_list
    serializer_class = s.SecretaryRatingSerializer
    filterset_class = fs.SecretaryRatingFilterSet

    @extend_schema(request=s.SecretaryRatingCreateSerializer, responses={201: s.SecretaryRatingSerializer})
    def create(self, request):
        ser = s.SecretaryRatingCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        rating = actions.secretary_rate(actor=request.user, village=region(request, d.pop("village")), **d)
        return created(s.SecretaryRatingSerializer, rating)


class LeadGooseMeasureViewSet(ScopedReadOnlyViewSet):
    queryset = LeadGooseMeasure.objects.all()
    selector = selectors.lead_goose_measure_list
    serializer_class = s.LeadGooseMeasureSerializer


class LeadGooseMarkViewSet(ScopedViewSet):
    queryset = LeadGooseMark.objects.all()
    selector = selectors.lead_goose_mark_list
    serializer_class = s.LeadGooseMarkSerializer

    @extend_schema(request=s.LeadGooseMarkCreateSerializer, responses={201: s.LeadGooseMarkSerializer})
    def create(self, request):
        ser = s.LeadGooseMarkCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        measure = scoped_get(selectors.lead_goose_measure_list(user=request.user), d.pop("measure"))
        mark = actions.lead_goose_mark(actor=request.user, village=region(request, d.pop("village")), measure=measure, **d)
        return created(s.LeadGooseMarkSerializer, mark)
