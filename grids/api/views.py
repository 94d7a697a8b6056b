"""The grids API: configuration on the scoped bases; every write calls an action after get_object()."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.models import WorkCategory
from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet
from governance.models import Household, Region, Resident
from grids import actions, selectors
from grids.filtersets import GridFilterSet, IssueFilterSet, MajorEventFilterSet, MajorEventTaskFilterSet, VisitFilterSet
from grids.models import EscalationSLA, Grid, GridMember, Issue, MajorEvent, MajorEventTask, Responsibility, Visit

from . import serializers as s


def ref(queryset, pk, field: str, message: str | None = None):
    """A referenced id the caller cannot see is a field error (400), never a hint that it exists."""
    if pk in (None, ""):
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: message or _("引用的对象不存在或不在您的管辖范围内。")})
    return obj


class GridViewSet(ScopedViewSet):
    queryset = Grid.objects.all()
    selector = selectors.grid_list
    serializer_class = s.GridSerializer
    filterset_class = GridFilterSet

    @extend_schema(request=s.GridMemberWriteSerializer, responses={201: s.GridMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Put a party member of the village on duty in this grid (optionally as its leader)."""
        grid = self.get_object()
        ser = s.GridMemberWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        resident = ref(Resident.objects.restrict(request.user, "view"), ser.validated_data["resident"], "resident")
        if ser.validated_data["make_leader"]:
            actions.grid_leader_set(actor=request.user, grid_id=grid.pk, resident=resident)
            member = GridMember.objects.get(grid=grid, resident=resident)
        else:
            member = actions.grid_member_add(actor=request.user, grid_id=grid.pk, resident=resident)
        return Response(s.GridMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResponsibilityWriteSerializer, responses={200: s.ResponsibilitySerializer})
    @action(detail=True, methods=["post"])
    def responsibilities(self, request, pk=None):
        """党员+责任户: make a member on duty responsible for a household of this grid."""
        grid = self.get_object()
        ser = s.ResponsibilityWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        household = ref(Household.objects.restrict(request.user, "view").select_related("region"),
                        ser.validated_data["household"], "household")
        member = ref(Resident.objects.restrict(request.user, "view"), ser.validated_data["member"], "member")
        resp = actions.responsibility_assign(actor=request.user, grid_id=grid.pk, household=household, member=member)
        return Response(s.ResponsibilitySerializer(resp).data)


class GridMemberViewSet(ScopedReadOnlyViewSet):
    queryset = GridMember.objects.all()
    selector = selectors.grid_member_list
    serializer_class = s.GridMemberSerializer


class ResponsibilityViewSet(ScopedReadOnlyViewSet):
    queryset = Responsibility.objects.all()
    selector = selectors.responsibility_list
    serializer_class = s.ResponsibilitySerializer


class IssueViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = Issue.objects.all()
    selector = selectors.issue_list
    serializer_class = s.IssueSerializer
    filterset_class = IssueFilterSet

    @extend_schema(request=s.IssueReportSerializer, responses={201: s.IssueSerializer})
    def create(self, request, *args, **kwargs):
        """上报: residents for their own household; staff for a household or grid in their scope."""
        ser = s.IssueReportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user = request.user
        category = ref(WorkCategory.objects.filter(active=True), d["category"], "category", _("未知或已停用的事项类别。"))
        household = ref(Household.objects.restrict(user, "view").select_related("region"), d.get("household"), "household")
        # Region codes are public statistics; the action says why a region outside one's village is refused.
        region = ref(Region.objects.all(), d.get("region"), "region")
        resident = ref(Resident.objects.restrict(user, "view"), d.get("resident"), "resident")
        issue = actions.issue_report(actor=user, category=category, severity=d["severity"], title=d["title"],
                                     description=d["description"], household=household, region=region, resident=resident)
        return Response(s.IssueSerializer(self.get_queryset().get(pk=issue.pk)).data, status=status.HTTP_201_CREATED)

    def _verb(self, request, fn, note_kw=None, with_version=True):
        issue = self.get_object()
        ser = s.IssueVerbSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        kwargs = {"actor": request.user, "issue_id": issue.pk}
        if with_version:
            kwargs["version"] = ser.validated_data.get("version")
        if note_kw:
            kwargs[note_kw] = ser.validated_data.get("note", "")
        fn(**kwargs)
        return Response(s.IssueSerializer(self.get_queryset().get(pk=issue.pk)).data)

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._verb(request, actions.issue_accept)

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._verb(request, actions.issue_start)

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """`note`: what was done (required)."""
        return self._verb(request, actions.issue_resolve, "note")

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """`note`: the reason (required)."""
        return self._verb(request, actions.issue_reject, "reason")

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """难事提级处置: one level up; `note` is the reason (required)."""
        return self._verb(request, actions.issue_escalate, "reason")

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The reporter confirms the resolution: the issue closes."""
        return self._verb(request, actions.issue_confirm, with_version=False)

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The reporter is not satisfied; `note` says why (required)."""
        return self._verb(request, actions.issue_reopen, "reason", with_version=False)

    @extend_schema(request=s.IssueVerbSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        return self._verb(request, actions.issue_comment, "note", with_version=False)

    @extend_schema(request=s.IssueAssignSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        from django.contrib.auth import get_user_model

        issue = self.get_object()
        ser = s.IssueAssignSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        assignee = ref(get_user_model().objects.filter(is_active=True), ser.validated_data["assignee"], "assignee")
        actions.issue_assign(actor=request.user, issue_id=issue.pk, assignee=assignee,
                             version=ser.validated_data.get("version"))
        return Response(s.IssueSerializer(self.get_queryset().get(pk=issue.pk)).data)

    @extend_schema(request={"multipart/form-data": s.AttachmentUploadSerializer}, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attach(self, request, pk=None):
        """An image (JPG/PNG) or PDF, at most 10 MB, checked by its content."""
        issue = self.get_object()
        ser = s.AttachmentUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        actions.issue_attach(actor=request.user, issue_id=issue.pk, upload=ser.validated_data["file"])
        return Response(s.IssueSerializer(self.get_queryset().get(pk=issue.pk)).data)

    @extend_schema(responses={200: s.IssueEventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The timeline: one row per report, acceptance, assignment, escalation, comment, resolution …"""
        issue = self.get_object()
        return Response(s.IssueEventSerializer(selectors.issue_events(user=request.user, issue=issue), many=True).data)


class VisitViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = Visit.objects.all()
    selector = selectors.visit_list
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilterSet

    @extend_schema(request=s.VisitWriteSerializer, responses={201: s.VisitSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.VisitWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d, user = ser.validated_data, request.user
        household = ref(Household.objects.restrict(user, "view").select_related("region"), d["household"], "household")
        member = ref(Resident.objects.restrict(user, "view"), d.get("member"), "member")
        category = ref(WorkCategory.objects.filter(active=True), d.get("category"), "category", _("未知或已停用的事项类别。"))
        visit = actions.visit_log(actor=user, household=household, notes=d["notes"], visited_on=d.get("visited_on"),
                                  member=member, raise_issue=d["raise_issue"], category=category,
                                  severity=d["severity"], issue_title=d["issue_title"])
        return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class MajorEventViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = MajorEvent.objects.all()
    selector = selectors.major_event_list
    serializer_class = s.MajorEventSerializer
    filterset_class = MajorEventFilterSet

    @extend_schema(request=s.MajorEventWriteSerializer, responses={201: s.MajorEventSerializer})
    def create(self, request, *args, **kwargs):
        """大事全网联动: a task for every grid of the village, township or county."""
        ser = s.MajorEventWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d, user = ser.validated_data, request.user
        region = ref(Region.objects.restrict(user, "view"), d["region"], "region")
        issue = ref(Issue.objects.restrict(user, "view"), d.get("issue"), "issue")
        event = actions.major_event_create(actor=user, region=region, title=d["title"], description=d["description"],
                                           issue=issue)
        return Response(s.MajorEventSerializer(self.get_queryset().get(pk=event.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.MajorEventTaskSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        """Acknowledgements so far, unanswered grids first."""
        event = self.get_object()
        return Response(s.MajorEventTaskSerializer(selectors.major_event_tasks(user=request.user, event=event), many=True).data)


class MajorEventTaskViewSet(ScopedViewSet):
    queryset = MajorEventTask.objects.all()
    selector = selectors.major_task_list
    serializer_class = s.MajorEventTaskSerializer
    filterset_class = MajorEventTaskFilterSet

    @extend_schema(request=s.AcknowledgeSerializer, responses={200: s.MajorEventTaskSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        task = self.get_object()
        ser = s.AcknowledgeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        task = actions.major_task_acknowledge(actor=request.user, task_id=task.pk, note=ser.validated_data["note"])
        return Response(s.MajorEventTaskSerializer(task).data)


class EscalationSLAViewSet(ScopedViewSet):
    queryset = EscalationSLA.objects.all()
    selector = selectors.sla_list
    serializer_class = s.EscalationSLASerializer

    @extend_schema(request=s.SLAWriteSerializer, responses={200: s.EscalationSLASerializer})
    @action(detail=True, methods=["post"], url_path="set")
    def set_hours(self, request, pk=None):
        """The county sets the hours allowed at this level for this severity."""
        sla = self.get_object()
        ser = s.SLAWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        sla = actions.sla_set(actor=request.user, level=sla.level, severity=sla.severity, hours=ser.validated_data["hours"])
        return Response(s.EscalationSLASerializer(sla).data)


class IssueOverviewView(APIView):
    @extend_schema(responses={200: s.OverviewRowSerializer(many=True)})
    def get(self, request):
        """Open and overdue issues by township (what the caller may see)."""
        return Response(s.OverviewRowSerializer(selectors.issue_overview(user=request.user), many=True).data)
