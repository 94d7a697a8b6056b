"""三村议事 in the authorization matrix: one object of each model in a given village's group."""
from django.utils import timezone

from governance.tests.fixtures import make_resident
from governance.tests.matrix import register, register_kwarg, register_pages

import datetime as dt
from decimal import Decimal

from deliberation.models import (Attendance, Comment, Council, CouncilMember, LedgerLine, LedgerMonth, LedgerQuestion,
                                 Procedure, ProcedureStep, Proposal, ProposalSupport, Resolution, SelfBuildEvent,
                                 SelfBuildProject, SelfBuildWork, SupervisionNote, Topic, Vote)

from .factories import (make_council, make_ledger_line, make_member, make_procedure, make_proposal, make_resolution,
                        make_self_build, make_topic)


def _secretary(side, p):
    return p.village_secretary_a1 if side == "a" else p.village_secretary_b1


def _vote(region, side, tree, p):
    topic = make_topic(region)
    return Vote.objects.create(topic=topic, resident=make_resident(region), channel="online",
                               option=topic.options.first())


def _attendance(region, side, tree, p):
    return Attendance.objects.create(topic=make_topic(region), resident=make_resident(region), channel="in_person",
                                     at=timezone.now())


def _note(region, side, tree, p):
    return SupervisionNote.objects.create(resolution=make_resolution(make_topic(region)), author=_secretary(side, p),
                                          body="路灯已到货")


register(Topic, lambda region, side, tree, p: make_topic(region, _secretary(side, p)))
register(Comment, lambda region, side, tree, p: Comment.objects.create(
    topic=make_topic(region), author=_secretary(side, p), body="同意这个方案"))
register(Vote, _vote)
register(Attendance, _attendance)
register(Council, lambda region, side, tree, p: make_council(region))
register(CouncilMember, lambda region, side, tree, p: make_member(make_council(region, name="乡贤理事会"),
                                                                  make_resident(region)))
register(Resolution, lambda region, side, tree, p: make_resolution(make_topic(region)))
register(SupervisionNote, _note)

register(Proposal, lambda region, side, tree, p: make_proposal(region))
register(ProposalSupport, lambda region, side, tree, p: ProposalSupport.objects.create(
    proposal=make_proposal(region), resident=make_resident(region)))

register_pages("topic_list", "topic_add", "resolution_list", "council_list", "council_add", "proposal_list",
               "proposal_add", "proposal_rules")
for name in ("proposal_support", "proposal_schedule"):
    register_kwarg(f"{name}:pk", Proposal)
for name in ("topic_edit", "topic_open", "topic_close", "topic_vote", "topic_vote_change", "topic_comment", "topic_sign_in", "topic_tally",
             "topic_resolution"):
    register_kwarg(f"{name}:pk", Topic)
for name in ("resolution_link", "resolution_note", "resolution_complete"):
    register_kwarg(f"{name}:pk", Resolution)
register_kwarg("council_member_add:pk", Council)
register_kwarg("council_member_end:pk", CouncilMember)


register(Procedure, lambda region, side, tree, p: make_procedure(make_topic(region)))
register(ProcedureStep, lambda region, side, tree, p: ProcedureStep.objects.create(
    procedure=make_procedure(make_topic(region)), stage="propose", held_at=timezone.now(), summary="党支部提议"))
register(LedgerMonth, lambda region, side, tree, p: make_ledger_line(region, published=True).month)
register(LedgerLine, lambda region, side, tree, p: make_ledger_line(region, published=True))
register(LedgerQuestion, lambda region, side, tree, p: LedgerQuestion.objects.create(
    line=make_ledger_line(region, published=True), asker=make_resident(region), body="这笔钱买了什么？"))
register(SelfBuildProject, lambda region, side, tree, p: make_self_build(region))
register(SelfBuildWork, lambda region, side, tree, p: SelfBuildWork.objects.create(
    project=make_self_build(region), worked_on=dt.date(2026, 5, 1), days=Decimal("1"), people=3, note="清沟"))
register(SelfBuildEvent, lambda region, side, tree, p: SelfBuildEvent.objects.create(
    project=make_self_build(region), action="create"))
register_pages("ledger_month_list", "ledger_line_new", "ledger_question_list", "self_build_list", "self_build_add")
register_kwarg("topic_procedure:pk", Topic)
for stage in ("propose", "consult", "review", "resolve", "publish", "report"):
    register_kwarg(f"procedure_{stage}:pk", Procedure)
for name in ("ledger_line_add", "ledger_month_publish"):
    register_kwarg(f"{name}:pk", LedgerMonth)
register_kwarg("ledger_question_ask:pk", LedgerLine)
register_kwarg("ledger_question_answer:pk", LedgerQuestion)
for name in ("self_build_work", "self_build_submit", "self_build_accept", "self_build_return"):
    register_kwarg(f"{name}:pk", SelfBuildProject)
