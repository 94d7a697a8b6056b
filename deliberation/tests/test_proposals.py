"""村民提议: a villager proposes, eligible villagers support it, and at the village's threshold the office must
put it on the agenda, with its decision and reason published."""
import math
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from deliberation import actions
from deliberation.models import Proposal, ProposalSupport, Topic, VillageCharter
from deliberation.selectors import village_adults
from governance.models import Notification
from governance.tests.fixtures import valid_id_number
from governance.worklist import for_user

from .factories import make_proposal, make_villager


def _villagers(region, n, prefix):
    return [make_villager(region, f"{prefix}{i}") for i in range(n)]


def test_support_reaching_the_village_threshold_puts_the_proposal_before_the_office(tree, personas, web):
    others = _villagers(tree.A1g, 8, "sup")
    actions.village_charter_set(actor=personas.village_secretary_a1, region=tree.A1, proposal_support_percent=20,
                                proposal_window_days=14)
    c = web(personas.resident_a1)
    resp = c.post("/deliberation/proposals/add/", {"title": "村口增设公交候车亭", "body": "雨天候车无处遮挡。"})
    proposal = Proposal.objects.get()
    assert resp.status_code == 302 and proposal.region == tree.A1 and proposal.proposer == personas.resident_a1.resident
    eligible = village_adults(tree.A1).count()
    assert proposal.eligible_count == eligible and proposal.support_needed == math.ceil(eligible * 0.2)
    assert proposal.supports.count() == 1  # the proposer is the first supporter
    page = c.get(proposal.get_absolute_url()).content.decode()
    assert 'id="i-support"' in page and 'id="supporters"' not in page  # a villager sees no names

    for villager in others[: proposal.support_needed - 1]:
        assert web(villager.user).post(f"/deliberation/proposals/{proposal.pk}/support/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.QUALIFIED and proposal.qualified_at
    told = Notification.objects.filter(user=personas.village_secretary_a1, title__contains="须列入议程")
    assert told.count() == 1
    assert any(row["task"].key == "deliberation.proposals_to_schedule" and row["count"] == 1
               for row in for_user(personas.village_secretary_a1))
    # No more support is collected: it has what it needs.
    late = others[-1]
    resp = web(late.user).post(f"/deliberation/proposals/{proposal.pk}/support/", follow=True)
    assert "不再征集附议" in resp.content.decode() and proposal.supports.count() == proposal.support_needed
    # The office sees who supported it.
    assert 'id="supporters"' in web(personas.village_secretary_a1).get(proposal.get_absolute_url()).content.decode()


def test_the_office_must_schedule_a_qualified_proposal_and_publishes_why(tree, personas, web):
    supporter = make_villager(tree.A1g, "backer")
    proposal = make_proposal(tree.A1g, proposer=personas.resident_a1.resident, status=Proposal.Status.QUALIFIED)
    proposal.supports.create(resident=supporter)
    c = web(personas.village_secretary_a1)
    url = f"/deliberation/proposals/{proposal.pk}/schedule/"
    page = c.post(url, {"decision": "", "opens_at": "2026-01-01T08:00", "closes_at": "2099-01-08T08:00"}).content.decode()
    assert "请写明列入议程的决定和理由" in page
    resp = c.post(url, {"decision": "下月5日召开村民会议审议，经费从村级服务群众专项经费列支。",
                        "opens_at": "2026-01-01T08:00", "closes_at": "2099-01-08T08:00", "secret": ""})
    assert resp.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ON_AGENDA and proposal.decided_by == personas.village_secretary_a1
    topic = proposal.topic
    assert topic.status == Topic.Status.DRAFT and topic.title == proposal.title and "2 名村民附议" in topic.background
    assert topic.events.filter(action="proposal").exists()
    for user in (supporter.user, personas.resident_a1):  # every supporter is told
        assert Notification.objects.filter(user=user, title__contains="已列入议程").count() == 1
    page = web(personas.resident_a1).get(proposal.get_absolute_url()).content.decode()
    assert 'id="proposal-decision"' in page and "下月5日召开村民会议审议" in page
    # Once on the agenda it is not scheduled again.
    assert c.post(url, {"decision": "再次", "opens_at": "2026-01-01T08:00",
                        "closes_at": "2099-01-08T08:00"}).status_code in (200, 409)
    assert Topic.objects.count() == 1


def test_a_proposal_still_collecting_is_not_scheduled_and_support_counts_once(tree, personas, api):
    proposal = make_proposal(tree.A1g, proposer=personas.resident_a1.resident, needed=5)
    resp = api(personas.village_secretary_a1).post(f"/api/v1/deliberation/proposals/{proposal.pk}/schedule/", {
        "decision": "列入", "opens_at": "2026-01-01T08:00:00Z", "closes_at": "2099-01-01T08:00:00Z"}, format="json")
    assert resp.status_code in (400, 409)
    resp = api(personas.resident_a1).post(f"/api/v1/deliberation/proposals/{proposal.pk}/support/")
    assert resp.status_code == 400 and "已附议过" in str(resp.json())
    # Another village's villager does not find it; a village officer is no villager to support it.
    assert api(personas.resident_b1).post(f"/api/v1/deliberation/proposals/{proposal.pk}/support/").status_code == 404
    assert api(personas.village_secretary_a1).post(
        f"/api/v1/deliberation/proposals/{proposal.pk}/support/").status_code == 403
    villager = make_villager(tree.A1g, "api-sup")
    resp = api(villager.user).post(f"/api/v1/deliberation/proposals/{proposal.pk}/support/")
    assert resp.status_code == 200 and resp.json()["n_support"] == 2


def test_a_villager_proposes_through_the_api_and_a_minor_may_not(tree, personas, api):
    _villagers(tree.A1g, 3, "adult")
    actions.village_charter_set(actor=personas.village_secretary_a1, region=tree.A1, proposal_support_percent=50,
                                proposal_window_days=30)
    resp = api(personas.resident_a1).post("/api/v1/deliberation/proposals/",
                                          {"title": "修缮村史馆", "body": "村史馆漏雨。"}, format="json")
    assert resp.status_code == 201 and resp.json()["n_support"] == 1 and resp.json()["status"] == "collecting"
    child = make_villager(tree.A1g, "child", id_number=valid_id_number(birth="20150601"))
    resp = api(child.user).post("/api/v1/deliberation/proposals/", {"title": "建篮球场", "body": "想打球。"},
                                format="json")
    assert resp.status_code == 400 and "年满18周岁" in str(resp.json())
    assert api(personas.village_secretary_a1).post("/api/v1/deliberation/proposals/",
                                                   {"title": "x", "body": "y"}, format="json").status_code == 403


def test_the_village_sets_its_threshold_only_for_its_own_village(tree, personas, web):
    c = web(personas.village_secretary_a1)
    page = c.post("/deliberation/proposals/rules/", {"region": tree.A1.pk, "proposal_support_percent": 0,
                                                     "proposal_window_days": 30}).content.decode()
    assert "errorlist" in page or "invalid" in page
    assert c.post("/deliberation/proposals/rules/", {"region": tree.A1.pk, "proposal_support_percent": 15,
                                                     "proposal_window_days": 21}).status_code == 302
    assert VillageCharter.objects.get(region=tree.A1).proposal_support_percent == 15
    c.post("/deliberation/proposals/rules/", {"region": tree.B1.pk, "proposal_support_percent": 50,
                                              "proposal_window_days": 21})
    assert not VillageCharter.objects.filter(region=tree.B1).exists()
    with pytest.raises(Exception):
        actions.village_charter_set(actor=personas.village_secretary_a1, region=tree.B1, proposal_support_percent=50,
                                    proposal_window_days=21)


@pytest.mark.django_db(transaction=True)
def test_the_last_two_supports_at_once_qualify_it_once(tree, personas):
    proposal = make_proposal(tree.A1g, needed=2)
    a, b = make_villager(tree.A1g, "race-a"), make_villager(tree.A1g, "race-b")
    barrier, outcomes = threading.Barrier(2), []

    def support(user):
        try:
            barrier.wait()
            actions.proposal_support(actor=user, proposal_id=proposal.pk)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=support, args=(v.user,)) for v in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", "该提议已达到附议人数，不再征集附议。"])
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 2
    assert Proposal.objects.get().status == Proposal.Status.QUALIFIED
    assert Notification.objects.filter(title__contains="须列入议程").count() == \
        Notification.objects.filter(title__contains="须列入议程").values("user").distinct().count()
