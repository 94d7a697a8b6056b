"""三村议事 in the authorization matrix: one object of each model in a given village's group."""
from django.utils import timezone

from governance.tests.fixtures import make_resident
from governance.tests.matrix import register, register_kwarg, register_pages

from deliberation.models import (Attendance, Comment, Council, CouncilMember, Proposal, ProposalSupport, Resolution,
                                 SupervisionNote, Topic, Vote)

from .factories import make_council, make_member, make_proposal, make_resolution, make_topic


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
