"""The declared verbs of services/ (issue #15): the pages and the API take one path per step — the rule the
action checks is the one the page offers —, a body reference outside the caller's scope is a 400 on its field,
and each verb costs a fixed number of queries."""
import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from governance.models import Notification
from governance.tests.fixtures import make_resident
from services import actions, selectors
from services.models import Allocation, Errand, MicroWish, MicroWork, Order, VolunteerActivity, VolunteerTeam

from .factories import make_allocation, make_fund, make_item, make_order, make_unit, make_work

BASE = "/api/v1/services"
MW = MicroWork.Status


@pytest.fixture(autouse=True)
def _content_types(db):
    """Cached for the process's life in production: the audit row's content type is not a query per verb."""
    for model in (MicroWork, MicroWish, Errand, Allocation, Order, VolunteerTeam, VolunteerActivity):
        ContentType.objects.get_for_model(model)


def test_the_micro_work_board_shows_nothing_of_another_township(web, tree, personas):
    """micro_work_list_base once returned every row (the board and the API disagreed): the board is the
    user's scope plus the accepted works shown publicly in the villages they live or work in — never
    another township's."""
    mine = make_work(tree.A1, title="甲一村路灯")
    public = make_work(tree.A1, status=MW.ACCEPTED, title="甲一村公示工程")
    MicroWork.objects.filter(pk=public.pk).update(is_public=True)
    theirs = make_work(tree.B1, status=MW.ACCEPTED, title="乙一村公示工程")
    MicroWork.objects.filter(pk=theirs.pk).update(is_public=True)
    for name in ("township_head_b", "village_secretary_b1", "resident_b1"):
        user = getattr(personas, name)
        board = set(selectors.micro_work_board(user=user))
        assert mine not in board and public not in board, name
        page = web(user).get(reverse("services:micro_work_list")).content.decode()
        assert "甲一村" not in page, name
        assert web(user).get(reverse("services:micro_work_detail", args=[mine.pk])).status_code == 404, name
    # 公示: A1's villager sees A1's accepted public work (beyond their own scope), not B1's.
    villager = set(selectors.micro_work_board(user=personas.resident_a1))
    assert public in villager and mine not in villager and theirs not in villager
    assert "甲一村公示工程" in web(personas.resident_a1).get(reverse("services:micro_work_list")).content.decode()


def test_a_micro_work_page_offers_exactly_the_steps_its_rules_allow(web, tree, personas):
    work = make_work(tree.A1, status=MW.PROPOSED)
    head, secretary = web(personas.township_head_a), web(personas.village_secretary_a1)
    assert list(head.get(work.get_absolute_url()).context["verbs"]) == ["decide"]
    assert list(secretary.get(work.get_absolute_url()).context["verbs"]) == []
    assert secretary.post(reverse("services:micro_work_decide", args=[work.pk]),
                          {"approve": "1"}).status_code == 403  # seen, not allowed
    resp = head.post(reverse("services:micro_work_decide", args=[work.pk]), {"approve": "1", "note": "同意"},
                     follow=True)
    assert "已审批" in resp.content.decode()
    verbs = list(secretary.get(work.get_absolute_url()).context["verbs"])
    assert verbs == ["start"]  # the village carries it out (the money comes first: the action says so)
    resp = secretary.post(reverse("services:micro_work_start", args=[work.pk]))
    assert resp.status_code == 200 and "尚未安排资金" in resp.content.decode()
    assert "allocate" in head.get(work.get_absolute_url()).context["verbs"]


def test_a_wish_list_offers_each_row_its_own_steps_in_a_fixed_number_of_queries(web, tree, personas,
                                                                                django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            wish = actions.micro_wish_post(actor=personas.village_assistant_a1, resident=make_resident(tree.A1g),
                                           title=f"心愿{n}-{i}")
            if i % 2:
                actions.micro_wish_claim(actor=personas.grid_leader_a1, wish_id=wish.pk)

    client = web(personas.grid_leader_a1)
    url = reverse("services:micro_wish_list")
    add(4)
    client.get(url)
    with django_assert_max_num_queries(8) as ctx:
        resp = client.get(url)
    at_4 = len(ctx.captured_queries)
    rows = resp.context["object_list"]
    assert {tuple(v.name for v in w.verbs) for w in rows} == {("claim",), ("fulfil",)}
    add(20)
    with django_assert_max_num_queries(at_4):
        client.get(url)
    # The village office confirms a fulfilled wish; a grid leader may not, and is not offered it.
    wish = MicroWish.objects.filter(status=MicroWish.Status.CLAIMED).first()
    actions.micro_wish_fulfil(actor=personas.grid_leader_a1, wish_id=wish.pk, note="已送到")
    shown = {w.pk: list(w.verbs) for w in client.get(url).context["object_list"]}
    assert shown[wish.pk] == []
    shown = {w.pk: list(w.verbs) for w in web(personas.village_secretary_a1).get(url).context["object_list"]}
    assert shown[wish.pk] == ["confirm"]


def test_a_body_reference_outside_the_scope_is_a_400_on_its_field(api, tree, personas):
    stranger = make_resident(tree.B1g)
    resp = api(personas.village_assistant_a1).post(f"{BASE}/micro-wishes/", {"resident": stranger.pk, "title": "x"},
                                                   format="json")
    assert resp.status_code == 400 and set(resp.json()) == {"resident"}
    missing = api(personas.village_assistant_a1).post(f"{BASE}/micro-wishes/", {"resident": 10 ** 9, "title": "x"},
                                                      format="json")
    assert missing.json() == resp.json()  # it does not say whether the resident exists
    fund = make_fund(tree.B1)
    resp = api(personas.township_head_a).post(f"{BASE}/allocations/", {
        "fund": fund.pk, "work": make_work(tree.A1).pk, "amount_fen": 100}, format="json")
    assert resp.status_code == 400 and "fund" in resp.json()
    assert not Allocation.objects.exists() and not MicroWish.objects.exists()


def test_an_outsider_gets_404_on_a_verb_even_with_a_bad_body(api, tree, personas):
    work = make_work(tree.A1, status=MW.PROPOSED)
    assert api(personas.township_head_b).post(f"{BASE}/micro-works/{work.pk}/decide/", {}, format="json").status_code == 404
    assert api(personas.township_head_a).post(f"{BASE}/micro-works/{work.pk}/decide/", {}, format="json").status_code == 400


def test_the_micro_work_verbs_cost_a_fixed_number_of_queries(api, tree, personas, django_assert_max_num_queries):
    """propose → decide → (allocate) → start: each verb is session, user, roles, the rule's scoped load and
    its check, the conditional UPDATE, one history row, one audit row (+ savepoint and release), and one read
    of the answer (the work's money is an annotation, read again through the viewset's queryset)."""
    head, secretary = api(personas.township_head_a), api(personas.village_secretary_a1)
    fund = make_fund(tree.A1, 6_000_000)
    with django_assert_max_num_queries(10):
        resp = secretary.post(f"{BASE}/micro-works/", {"region": tree.A1.pk, "title": "修水渠", "budget_fen": 100_000},
                              format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    with django_assert_max_num_queries(11):
        resp = head.post(f"{BASE}/micro-works/{pk}/decide/", {"approve": True}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    with django_assert_max_num_queries(13):
        resp = head.post(f"{BASE}/allocations/", {"fund": fund.pk, "work": pk, "amount_fen": 100_000}, format="json")
    assert resp.status_code == 201, resp.content
    with django_assert_max_num_queries(12):
        resp = secretary.post(f"{BASE}/micro-works/{pk}/start/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "in_progress" and resp.json()["allocated_fen"] == 100_000
    assert resp.json() == secretary.get(f"{BASE}/micro-works/{pk}/").json()  # the answer is what a read shows


def test_the_wish_and_errand_verbs_cost_a_fixed_number_of_queries(api, tree, personas, django_assert_max_num_queries,
                                                                 django_capture_on_commit_callbacks):
    assistant, leader = api(personas.village_assistant_a1), api(personas.grid_leader_a1)
    with django_assert_max_num_queries(11):  # + the resident's 困难群体 groups, read once when posting
        resp = assistant.post(f"{BASE}/micro-wishes/", {"resident": make_resident(tree.A1g).pk, "title": "一台轮椅"},
                              format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    with django_assert_max_num_queries(9):
        assert leader.post(f"{BASE}/micro-wishes/{pk}/claim/", {}, format="json").json()["status"] == "claimed"
    with django_assert_max_num_queries(8):
        assert leader.post(f"{BASE}/micro-wishes/{pk}/fulfil/", {"note": "已送到"}, format="json").json()["status"] == "fulfilled"
    with django_assert_max_num_queries(9):
        assert assistant.post(f"{BASE}/micro-wishes/{pk}/confirm/", {}, format="json").json()["status"] == "confirmed"
    with django_assert_max_num_queries(9):
        resp = assistant.post(f"{BASE}/errands/", {"resident": personas.resident_a1.resident.pk, "kind": "other",
                                                   "title": "医保转移"}, format="json")
    assert resp.status_code == 201, resp.content
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(10):
        resp = assistant.post(f"{BASE}/errands/{resp.json()['id']}/advance/", {"to_status": "submitted"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "submitted"


def test_a_volunteer_activity_answers_its_totals_without_reading_them_back(api, tree, personas,
                                                                           django_assert_max_num_queries):
    team = actions.volunteer_team_create(actor=personas.village_secretary_a1, region=tree.A1, name="甲一村服务队",
                                         members=["张三", "李四"])
    a, b = team.members.order_by("name").values_list("pk", flat=True)
    client = api(personas.village_secretary_a1)
    with django_assert_max_num_queries(11):
        resp = client.post(f"{BASE}/volunteer-teams/{team.pk}/activities/", {
            "title": "清扫村道", "held_on": str(dt.date.today()), "hours": [{"volunteer": a, "hours": "2.5"},
                                                                         {"volunteer": b, "hours": "1"}]},
            format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["total_hours"], body["participant_count"]) == ("3.5", 2)
    assert body == client.get(f"{BASE}/volunteer-activities/{body['id']}/").json()


def test_the_overdue_reminder_asks_for_the_village_offices_once_per_batch(tree, personas,
                                                                         django_assert_max_num_queries):
    from django.utils import timezone

    unit = make_unit(tree.A, staff=[personas.unit_staff_a])
    item = make_item(tree.A, [unit])

    def overdue(n):
        for _ in range(n):
            order = make_order(tree.A1g, item, placed_by=personas.resident_a1)
            Order.objects.filter(pk=order.pk).update(stage_deadline=timezone.now() - timezone.timedelta(hours=1))

    overdue(2)
    with django_assert_max_num_queries(19) as ctx:  # 11 + the outbox's 4 statements for each order's notice
        sent = actions.orders_remind_overdue()
    assert sent == 4  # the secretary and the assistant of 甲一村, for each of the two orders
    per_two = len(ctx.captured_queries)
    overdue(6)
    # per order more: its notification INSERT and the outbox's 4 statements (one notice per order), nothing else
    with django_assert_max_num_queries(per_two + 4 + 6 * 4):
        assert actions.orders_remind_overdue() == 12
    assert Notification.objects.filter(user=personas.village_secretary_a1, title__contains="超时").count() == 8
    assert not Notification.objects.filter(user=personas.village_secretary_b1).exists()
