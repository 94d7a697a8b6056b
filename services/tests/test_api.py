"""The API: the chain through /api/v1/services/, clear 400/403/404/409 answers, bounded list queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.models import Expenditure, Order, OrderEvent

from .factories import make_allocation, make_fund, make_item, make_order, make_unit, make_work

BASE = "/api/v1/services"


@pytest.fixture
def item(tree, personas):
    return make_item(tree.A, [make_unit(tree.A, staff=[personas.unit_staff_a], name="县供电公司")])


def test_it_runs_the_order_chain_through_the_api(api, personas, item):
    resident, secretary, unit = api(personas.resident_a1), api(personas.village_secretary_a1), api(personas.unit_staff_a)
    resp = resident.post(f"{BASE}/orders/", {"item": item.pk, "note": "路灯不亮"}, format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert secretary.post(f"{BASE}/orders/{pk}/dispatch/", {"unit": item.units.first().pk}, format="json").status_code == 200
    assert unit.post(f"{BASE}/orders/{pk}/accept/", {}, format="json").json()["status"] == "accepted"
    assert unit.post(f"{BASE}/orders/{pk}/complete/", {"note": "已修好"}, format="json").status_code == 200
    resp = resident.post(f"{BASE}/orders/{pk}/confirm/", {"rating": 6}, format="json")
    assert resp.status_code == 400 and "1 至 5" in resp.json()["rating"][0]
    body = resident.post(f"{BASE}/orders/{pk}/confirm/", {"rating": 4, "comment": "不错"}, format="json").json()
    assert (body["status"], body["rating"]) == ("confirmed", 4)
    events = resident.get(f"{BASE}/order-events/", {"order": pk}).json()["results"]
    assert [e["to_status"] for e in events] == ["placed", "dispatched", "accepted", "completed", "confirmed"]


def test_it_answers_404_to_another_township_and_403_to_the_wrong_role(api, tree, personas, item):
    order = make_order(tree.A1g, item, placed_by=personas.resident_a1, status=Order.Status.DISPATCHED,
                       unit=item.units.first())
    assert api(personas.township_head_b).post(f"{BASE}/orders/{order.pk}/accept/", {}, format="json").status_code == 404
    resp = api(personas.village_secretary_a1).post(f"{BASE}/orders/{order.pk}/accept/", {}, format="json")
    assert resp.status_code == 403 and "未派给您所在的单位" in resp.json()["detail"]
    resp = api(personas.unit_staff_a).post(f"{BASE}/orders/{order.pk}/complete/", {"note": "好了"}, format="json")
    assert resp.status_code == 400 and "尚未接单" in str(resp.json())
    order.refresh_from_db()
    assert order.status == Order.Status.DISPATCHED and OrderEvent.objects.filter(order=order).count() == 1


def test_it_refuses_ordering_a_withdrawn_item(api, personas, item):
    assert api(personas.township_head_a).post(f"{BASE}/menu-items/{item.pk}/withdraw/", {}, format="json").status_code == 200
    resp = api(personas.resident_a1).post(f"{BASE}/orders/", {"item": item.pk, "note": "x"}, format="json")
    assert resp.status_code == 400 and "已撤回" in resp.json()["item"][0]
    assert not Order.objects.exists()


def test_it_refuses_an_expenditure_above_the_balance_with_400(api, tree, personas):
    alloc = make_allocation(make_fund(tree.A1, 1_000_000), make_work(tree.A1), 100_000)
    client = api(personas.village_secretary_a1)
    resp = client.post(f"{BASE}/expenditures/", {"allocation": alloc.pk, "amount_fen": 100_001, "payee": "施工队",
                                                 "purpose": "材料", "receipt_number": "R1"}, format="json")
    assert resp.status_code == 400 and "超出余额" in resp.json()["amount_fen"][0]
    resp = client.post(f"{BASE}/expenditures/", {"allocation": alloc.pk, "amount_fen": 100_000, "payee": "施工队",
                                                 "purpose": "材料", "receipt_number": "R1"}, format="json")
    assert resp.status_code == 201
    fund = client.get(f"{BASE}/funds/{alloc.fund_id}/").json()
    assert (fund["allocated_fen"], fund["spent_fen"], fund["balance_fen"]) == (100_000, 100_000, 900_000)
    assert Expenditure.objects.count() == 1


@pytest.mark.parametrize("endpoint", ["orders", "micro-works", "volunteer-teams", "member-reports", "unit-reports",
                                      "funds", "allocations", "errands"])
def test_api_lists_cost_the_same_queries_at_10_and_100_rows(api, tree, personas, item, endpoint):
    from services.tests.matrix import FACTORIES_BY_ENDPOINT

    client = api(personas.county_admin)
    make = FACTORIES_BY_ENDPOINT[endpoint]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/{endpoint}/", {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    for i in range(10):
        make(tree, personas, i)
    at_10 = count()
    for i in range(10, 100):
        make(tree, personas, i)
    assert count() == at_10


def test_it_accepts_an_order_in_a_fixed_number_of_queries(api, tree, personas, item, django_assert_num_queries):
    """The accept is the hot path when units work their inbox: session, user, roles, the order with its
    region, unit, resident and whether the caller works for the unit (the scoped 404 and the staff check),
    UPDATE, history, audit (+ savepoint and release). The move sets the updated fields on the order instead
    of reading it back, and the answer is that order: before, 6 more queries (a separate 404 check, a
    separate staff check and a re-read for the answer among them)."""
    from django.contrib.contenttypes.models import ContentType

    order = make_order(tree.A1g, item, placed_by=personas.resident_a1, status=Order.Status.DISPATCHED,
                       unit=item.units.first())
    ContentType.objects.get_for_model(Order)  # cached for the process's life in production
    client = api(personas.unit_staff_a)
    with django_assert_num_queries(9):
        resp = client.post(f"{BASE}/orders/{order.pk}/accept/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "accepted"
    assert resp.json() == client.get(f"{BASE}/orders/{order.pk}/").json()  # the answer is what a read shows
    order.refresh_from_db()
    assert (order.status, order.accepted_by_id) == (Order.Status.ACCEPTED, personas.unit_staff_a.pk)
    assert OrderEvent.objects.filter(order=order, to_status="accepted", unit=order.unit).count() == 1
