"""API of 三村议事: scoped viewsets; every write is a declared verb (governance.api.base.verb) calling one action."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, verb

from .. import actions, rules, selectors
from ..filtersets import (
    AttendanceFilterSet,
    CommentFilterSet,
    CouncilFilterSet,
    LedgerLineFilterSet,
    LedgerMonthFilterSet,
    LedgerQuestionFilterSet,
    ProcedureFilterSet,
    SelfBuildFilterSet,
    ProposalFilterSet,
    ResolutionFilterSet,
    SupervisionNoteFilterSet,
    TopicFilterSet,
    VoteFilterSet,
)
from ..models import (Attendance, Comment, Council, LedgerLine, LedgerMonth, LedgerQuestion, Procedure, Proposal,
                      Resolution, SelfBuildProject, SupervisionNote, Topic, Vote)
from . import serializers as s

# PATCH is not a POST verb: the partial update declared once here and run by the viewset's base.
_TOPIC_UPDATE = verb(actions.topic_update, input=s.TopicUpdateSerializer, pk_arg="topic_id", reread=True)


class TopicViewSet(ScopedViewSet):
    """议题: convened (a draft), published, voted through three channels, closed; its resolution recorded."""

    queryset = Topic.objects.all()
    selector = selectors.topic_detail_queryset
    serializer_class = s.TopicSerializer
    filterset_class = TopicFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    create = verb(actions.topic_create, input=s.TopicWriteSerializer, detail=False, reread=True)
    open = verb(actions.topic_open, pk_arg="topic_id", reread=True,
                doc="Publish a draft and invite the villagers (migrants to the remote channel).")
    close = verb(actions.topic_close, pk_arg="topic_id", reread=True,
                 doc="End the vote; the result (per channel and total) is locked.")
    vote = verb(actions.vote_cast, input=s.VoteRequestSerializer, pk_arg="topic_id", output=s.VoteSerializer,
                status=201, doc="The signed-in villager's own vote: remote (外地村) if away, online (网上村) if at home.")
    change_vote = verb(actions.vote_change, input=s.VoteRequestSerializer, pk_arg="topic_id", output=s.VoteSerializer,
                       url_path="change-vote",
                       doc="Change the villager's own remote/online vote on a public topic before the vote ends.")
    comment = verb(actions.comment_add, input=s.CommentRequestSerializer, pk_arg="topic_id", output=s.CommentSerializer,
                   status=201)
    sign_in = verb(actions.meeting_sign_in, input=s.SignInRequestSerializer, pk_arg="topic_id", url_path="sign-in",
                   output=s.SignInResultSerializer, doc="Sign villagers in at the in-person meeting (本地村), in bulk.")
    hand_tally = verb(actions.meeting_record, input=s.HandTallyRequestSerializer, pk_arg="topic_id",
                      url_path="hand-tally", output=s.TallySerializer,
                      doc="The recorder's show-of-hands counts (together at most the villagers signed in) and minutes.")
    resolution = verb(actions.resolution_record, input=s.ResolutionRequestSerializer, pk_arg="topic_id",
                      output=s.ResolutionSerializer, status=201)

    @extend_schema(request=s.TopicUpdateSerializer, responses={200: s.TopicSerializer})
    def partial_update(self, request, *args, pk=None, **kwargs):
        """Edit a draft; fields left out stay as they are. A published topic is not edited (400)."""
        return self.run_verb(request, _TOPIC_UPDATE, pk)

    @extend_schema(responses={200: s.TallySerializer})
    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        """Counts per channel and in total: the locked result once closed; live only for the village office."""
        from django.core.exceptions import PermissionDenied

        topic = self.get_object()
        if not rules.may_see_tally(request.user, topic):
            raise PermissionDenied(_("表决结束后公布结果。"))
        return Response(selectors.topic_tally(user=request.user, topic=topic))


class CommentViewSet(ScopedReadOnlyViewSet):
    queryset = Comment.objects.all()
    selector = selectors.comment_list
    serializer_class = s.CommentSerializer
    filterset_class = CommentFilterSet

    def get_queryset(self):
        # Discussion of a draft stays with its editors, as the draft does.
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(topic__in=selectors.topic_list(user=self.request.user).values("pk"))


class VoteViewSet(ScopedReadOnlyViewSet):
    """Individual votes: the village office sees its village's; a villager sees their own."""

    queryset = Vote.objects.all()
    selector = selectors.vote_list
    serializer_class = s.VoteSerializer
    filterset_class = VoteFilterSet


class AttendanceViewSet(ScopedReadOnlyViewSet):
    queryset = Attendance.objects.all()
    selector = selectors.attendance_list
    serializer_class = s.AttendanceSerializer
    filterset_class = AttendanceFilterSet


class CouncilViewSet(ScopedViewSet):
    queryset = Council.objects.all()
    selector = selectors.council_list
    serializer_class = s.CouncilSerializer
    filterset_class = CouncilFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members__resident")

    create = verb(actions.council_create, input=s.CouncilWriteSerializer, detail=False, reread=True)
    add_member = verb(actions.council_member_add, input=s.CouncilMemberRequestSerializer, pk_arg="council_id",
                      url_path="add-member", output=s.CouncilMemberSerializer, status=201)


class ResolutionViewSet(ScopedViewSet):
    queryset = Resolution.objects.all()
    selector = selectors.resolution_list
    serializer_class = s.ResolutionSerializer
    filterset_class = ResolutionFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("links__content_type")

    link = verb(actions.resolution_link, input=s.LinkRequestSerializer, pk_arg="resolution_id",
                output=s.LinkedResolutionSerializer,
                doc="Link what carries the resolution out (a micro-work, a service order, a center work item).")
    note = verb(actions.supervision_note_add, input=s.NoteRequestSerializer, pk_arg="resolution_id",
                output=s.SupervisionNoteSerializer, status=201, doc="A council member's supervision note on the follow-up.")
    complete = verb(actions.resolution_complete, input=s.CompleteRequestSerializer, pk_arg="resolution_id", reread=True)


class SupervisionNoteViewSet(ScopedReadOnlyViewSet):
    queryset = SupervisionNote.objects.all()
    selector = selectors.supervision_note_list
    serializer_class = s.SupervisionNoteSerializer
    filterset_class = SupervisionNoteFilterSet


class ProposalViewSet(ScopedViewSet):
    """村民提议: a villager proposes, eligible villagers support, the office puts a qualified one on the agenda."""

    queryset = Proposal.objects.all()
    selector = selectors.proposal_list
    serializer_class = s.ProposalSerializer
    filterset_class = ProposalFilterSet
    http_method_names = ["get", "post", "head", "options"]

    create = verb(actions.proposal_create, input=s.ProposalCreateSerializer, detail=False, reread=True,
                  doc="A villager's proposal to their own village (they are its first supporter).")
    support = verb(actions.proposal_support, pk_arg="proposal_id", reread=True,
                   doc="An eligible villager supports the proposal, once.")
    schedule = verb(actions.proposal_schedule, input=s.ProposalScheduleSerializer, pk_arg="proposal_id", reread=True,
                    doc="The village office puts a qualified proposal on the agenda (a draft topic) with its reason.")


def _step_verb(stage: str):
    return verb(actions.procedure_record_step, input=s.ProcedureStepRequestSerializer, pk_arg="procedure_id",
                kwargs={"stage": stage}, output=s.ProcedureStepSerializer, status=201,
                doc=f"Record the procedure's step `{stage}` (only when the procedure waits for it).")


class ProcedureViewSet(ScopedViewSet):
    """四议两公开: a topic's procedure and its six steps, recorded in order."""

    queryset = Procedure.objects.all()
    selector = selectors.procedure_list
    serializer_class = s.ProcedureSerializer
    filterset_class = ProcedureFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("steps")

    create = verb(actions.procedure_start, input=s.ProcedureStartSerializer, detail=False, reread=True,
                  doc="The topic follows 四议两公开 (the village office).")
    propose = _step_verb("propose")
    consult = _step_verb("consult")
    review = _step_verb("review")
    resolve = _step_verb("resolve")
    publish = _step_verb("publish")
    report = _step_verb("report")


class LedgerMonthViewSet(ScopedViewSet):
    """财务公开: the village's months with their totals; published ones for the villagers."""

    queryset = LedgerMonth.objects.all()
    selector = selectors.ledger_month_list
    serializer_class = s.LedgerMonthSerializer
    filterset_class = LedgerMonthFilterSet

    publish = verb(actions.ledger_month_publish, pk_arg="month_id", reread=True,
                   doc="Publish the month to the village: its lines are frozen from then on.")


class LedgerLineViewSet(ScopedViewSet):
    queryset = LedgerLine.objects.all()
    selector = selectors.ledger_line_list
    serializer_class = s.LedgerLineSerializer
    filterset_class = LedgerLineFilterSet

    create = verb(actions.ledger_line_add, input=s.LedgerLineWriteSerializer, detail=False,
                  doc="The village office enters a line (a published month is frozen; a correction names the line).")
    ask = verb(actions.ledger_question_ask, input=s.LedgerAskSerializer, pk_arg="line_id",
               output=s.LedgerQuestionSerializer, status=201, doc="A villager's question on a published line.")


class LedgerQuestionViewSet(ScopedViewSet):
    queryset = LedgerQuestion.objects.all()
    selector = selectors.ledger_question_list
    serializer_class = s.LedgerQuestionSerializer
    filterset_class = LedgerQuestionFilterSet

    answer = verb(actions.ledger_question_answer, input=s.LedgerAnswerSerializer, pk_arg="question_id",
                  doc="The village office answers; the villager who asked is told.")


class SelfBuildViewSet(ScopedViewSet):
    """自建自管: a small project the villagers build themselves; the township checks acceptance."""

    queryset = SelfBuildProject.objects.all()
    selector = selectors.self_build_list
    serializer_class = s.SelfBuildSerializer
    filterset_class = SelfBuildFilterSet

    create = verb(actions.self_build_create, input=s.SelfBuildWriteSerializer, detail=False, reread=True)
    work = verb(actions.self_build_work_add, input=s.SelfBuildWorkRequestSerializer, pk_arg="project_id",
                output=s.SelfBuildWorkSerializer, status=201)
    submit = verb(actions.self_build_submit, pk_arg="project_id", reread=True)
    accept = verb(actions.self_build_accept, input=s.AcceptRequestSerializer, pk_arg="project_id", reread=True)
    return_ = verb(actions.self_build_return, input=s.ReturnRequestSerializer, pk_arg="project_id", reread=True,
                   url_path="return")
