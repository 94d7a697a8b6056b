"""The grids API: configuration on the scoped bases. Every write is declared with `verb` — an input
serializer whose references resolve inside the caller's scope (ScopedRef), one action, the object it
returns as the answer; an outsider gets 404, a body reference out of scope a 400 on its field."""
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, verb
from governance.scoping import load_for
from grids import actions, selectors
from grids.filtersets import GridFilterSet, IssueFilterSet, MajorEventFilterSet, MajorEventTaskFilterSet, VisitFilterSet
from grids.models import EscalationSLA, Grid, GridMember, Issue, MajorEvent, MajorEventTask, Responsibility, Visit

from . import serializers as s


class VerbViewSet(ScopedViewSet):
    """An outsider learns nothing from a body the verb cannot even read (JSON sent to the attachment's
    multipart route, malformed JSON): out of sight is 404 first, as for a body that does not validate."""

    def run_verb(self, request, spec, pk):
        try:
            request.data
        except (ParseError, UnsupportedMediaType):
            if spec.detail:
                load_for(self.get_queryset(), request.user, pk)
            raise
        return super().run_verb(request, spec, pk)


class GridViewSet(VerbViewSet):
    queryset = Grid.objects.all()
    selector = selectors.grid_list
    serializer_class = s.GridSerializer
    filterset_class = GridFilterSet

    members = verb(actions.grid_member_add, input=s.GridMemberWriteSerializer, pk_arg="grid_id",
                   output=s.GridMemberSerializer, status=201,
                   doc="Put a party member of the village on duty in this grid (optionally as its leader).")
    responsibilities = verb(actions.responsibility_assign, input=s.ResponsibilityWriteSerializer, pk_arg="grid_id",
                            output=s.ResponsibilitySerializer,
                            doc="党员+责任户: make a member on duty responsible for a household of this grid.")


class GridMemberViewSet(ScopedReadOnlyViewSet):
    queryset = GridMember.objects.all()
    selector = selectors.grid_member_list
    serializer_class = s.GridMemberSerializer


class ResponsibilityViewSet(ScopedReadOnlyViewSet):
    queryset = Responsibility.objects.all()
    selector = selectors.responsibility_list
    serializer_class = s.ResponsibilitySerializer


class IssueViewSet(VerbViewSet):
    """上报 — 受理 — 办理 — 提级 — 办结 — 确认. Each step is one action whose scoped load is the 404 (403 for
    an issue the caller sees but does not handle) and whose returned issue, loaded with what the answer
    shows, is the answer; a stale `version` or a lost race answers 409."""

    queryset = Issue.objects.all()
    selector = selectors.issue_list
    serializer_class = s.IssueSerializer
    filterset_class = IssueFilterSet

    create = verb(actions.issue_report, input=s.IssueReportSerializer, detail=False,
                  doc="上报: residents for their own household; staff for a household or grid in their scope.")
    accept = verb(actions.issue_accept, input=s.IssueVersionSerializer, pk_arg="issue_id")
    start = verb(actions.issue_start, input=s.IssueVersionSerializer, pk_arg="issue_id")
    resolve = verb(actions.issue_resolve, input=s.IssueNoteSerializer, pk_arg="issue_id",
                   doc="`note`: what was done (required).")
    reject = verb(actions.issue_reject, input=s.IssueReasonSerializer, pk_arg="issue_id",
                  doc="`note`: the reason (required).")
    escalate = verb(actions.issue_escalate, input=s.IssueReasonSerializer, pk_arg="issue_id",
                    doc="难事提级处置: one level up; `note` is the reason (required).")
    confirm = verb(actions.issue_confirm, pk_arg="issue_id", doc="The reporter confirms the resolution: the issue closes.")
    reopen = verb(actions.issue_reopen, input=s.ReporterReasonSerializer, pk_arg="issue_id",
                  doc="The reporter is not satisfied; `note` says why (required).")
    comment = verb(actions.issue_comment, input=s.CommentSerializer, pk_arg="issue_id")
    assign = verb(actions.issue_assign, input=s.IssueAssignSerializer, pk_arg="issue_id")
    attach = verb(actions.issue_attach, input=s.AttachmentUploadSerializer, pk_arg="issue_id",
                  doc="An image (JPG/PNG) or PDF, at most 10 MB, checked by its content.")

    @extend_schema(responses={200: s.IssueEventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The timeline: one row per report, acceptance, assignment, escalation, comment, resolution …"""
        issue = self.get_object()
        return Response(s.IssueEventSerializer(selectors.issue_events(user=request.user, issue=issue), many=True).data)


# A file comes as multipart, the one body of the API that is not JSON (settings: DEFAULT_PARSER_CLASSES);
# verb() has no parser option yet, so the route's parser is named on the verb's handler.
IssueViewSet.attach.kwargs["parser_classes"] = [MultiPartParser]


class VisitViewSet(VerbViewSet):
    queryset = Visit.objects.all()
    selector = selectors.visit_list
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilterSet

    create = verb(actions.visit_log, input=s.VisitWriteSerializer, detail=False,
                  doc="点对点送服务: a visit; with `raise_issue` what was heard is reported as an issue too.")


class MajorEventViewSet(VerbViewSet):
    queryset = MajorEvent.objects.all()
    selector = selectors.major_event_list
    serializer_class = s.MajorEventSerializer
    filterset_class = MajorEventFilterSet

    create = verb(actions.major_event_create, input=s.MajorEventWriteSerializer, detail=False, reread=True,
                  doc="大事全网联动: a task for every grid of the village, township or county.")

    @extend_schema(responses={200: s.MajorEventTaskSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        """Acknowledgements so far, unanswered grids first."""
        event = self.get_object()
        return Response(s.MajorEventTaskSerializer(selectors.major_event_tasks(user=request.user, event=event), many=True).data)


class MajorEventTaskViewSet(VerbViewSet):
    queryset = MajorEventTask.objects.all()
    selector = selectors.major_task_list
    serializer_class = s.MajorEventTaskSerializer
    filterset_class = MajorEventTaskFilterSet

    acknowledge = verb(actions.major_task_acknowledge, input=s.AcknowledgeSerializer, pk_arg="task_id")


class EscalationSLAViewSet(VerbViewSet):
    queryset = EscalationSLA.objects.all()
    selector = selectors.sla_list
    serializer_class = s.EscalationSLASerializer

    set_hours = verb(actions.sla_edit, input=s.SLAWriteSerializer, pk_arg="sla_id", url_path="set",
                     doc="The county sets the hours allowed at this level for this severity.")


class IssueOverviewView(APIView):
    @extend_schema(responses={200: s.OverviewRowSerializer(many=True)})
    def get(self, request):
        """Open and overdue issues by township (what the caller may see)."""
        return Response(s.OverviewRowSerializer(selectors.issue_overview(user=request.user), many=True).data)
