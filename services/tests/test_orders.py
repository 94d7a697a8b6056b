"""The order chain 清单—下单—派单—接单—办结—评价, by the right and the wrong role, and under contention."""
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.http import Http404

from governance.errors import Conflict
from governance.models import AuditEntry
from governance.tests.fixtures import make_resident
from services import actions
from services.models import MenuItem, Order, OrderEvent

from .factories import make_item, make_order, make_unit, make_unit_staff

S = Order.Status


@pytest.fixture
def chain(tree, personas):
    unit = make_unit(tree.A, staff=[personas.unit_staff_a], name="县供电公司")
    other_unit = make_unit(tree.A, name="县自来水公司")
    other_staff = make_unit_staff(tree.A, other_unit, "water_staff")
    item = make_item(tree.A, [unit, other_unit])
    return type("Chain", (), {"unit": unit, "other_unit": other_unit, "other_staff": other_staff, "item": item})


def place(personas, chain, **kw):
    return actions.order_place(actor=personas.resident_a1, item_id=chain.item.pk, note="厨房插座没电", **kw)


def history(order):
    return list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status"))


def test_it_walks_an_order_through_the_whole_chain_with_one_history_row_per_move(personas, chain):
    order = place(personas, chain)
    assert order.status == S.PLACED and order.region == personas.resident_a1.resident.region
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    actions.order_accept(actor=personas.unit_staff_a, order_id=order.pk)
    actions.order_complete(actor=personas.unit_staff_a, order_id=order.pk, note="已更换插座")
    order = actions.order_confirm(actor=personas.resident_a1, order_id=order.pk, rating=5, comment="很及时")
    assert (order.status, order.rating, order.accepted_by) == (S.CONFIRMED, 5, personas.unit_staff_a)
    assert history(order) == [("", "placed"), ("placed", "dispatched"), ("dispatched", "accepted"),
                              ("accepted", "completed"), ("completed", "confirmed")]
    assert AuditEntry.objects.filter(object_id=str(order.pk), action__startswith="order.").count() == 5


def test_it_sends_a_handed_back_order_back_to_the_dispatch_queue_with_the_reason(personas, chain):
    order = place(personas, chain)
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    order = actions.order_hand_back(actor=personas.unit_staff_a, order_id=order.pk, reason="超出本单位业务范围")
    assert order.status == S.PLACED and order.unit is None
    assert OrderEvent.objects.filter(order=order).last().note == "超出本单位业务范围"
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.other_unit)
    assert actions.order_accept(actor=chain.other_staff, order_id=order.pk).status == S.ACCEPTED


def test_it_reopens_a_completed_order_for_the_unit_when_the_resident_is_not_satisfied(personas, chain):
    order = place(personas, chain)
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    actions.order_accept(actor=personas.unit_staff_a, order_id=order.pk)
    actions.order_complete(actor=personas.unit_staff_a, order_id=order.pk, note="已处理")
    order = actions.order_reopen(actor=personas.resident_a1, order_id=order.pk, reason="还是没电")
    assert order.status == S.ACCEPTED and order.stage_deadline is not None


def test_it_refuses_to_order_a_withdrawn_item_and_writes_nothing(personas, chain):
    actions.menu_item_withdraw(actor=personas.township_head_a, item_id=chain.item.pk)
    with pytest.raises(ValidationError) as exc:
        place(personas, chain)
    assert "已撤回" in str(exc.value.message_dict["item"])
    assert not Order.objects.exists()


def test_it_keeps_the_item_as_it_was_on_orders_placed_before_a_withdrawal(personas, chain):
    order = place(personas, chain)
    MenuItem.objects.filter(pk=chain.item.pk).update(title="改名后的服务")
    actions.menu_item_withdraw(actor=personas.township_head_a, item_id=chain.item.pk)
    order.refresh_from_db()
    assert order.item_title == "上门维修水电"


def test_it_lets_a_grid_member_order_for_a_resident_but_not_for_one_outside_their_grid(tree, personas, chain):
    villager = make_resident(tree.A1g)
    order = actions.order_place(actor=personas.grid_leader_a1, item_id=chain.item.pk, note="老人行动不便",
                                resident=villager)
    assert order.channel == Order.Channel.GRID and order.resident == villager
    with pytest.raises(Http404):
        actions.order_place(actor=personas.grid_leader_a1, item_id=chain.item.pk, note="x",
                            resident=make_resident(tree.A2g))


def test_it_refuses_an_item_from_another_townships_menu(tree, personas, chain):
    item_b = make_item(tree.B, [make_unit(tree.B)])
    with pytest.raises(ValidationError):
        actions.order_place(actor=personas.resident_a1, item_id=item_b.pk, note="x")


def test_it_refuses_a_rating_of_6_and_leaves_the_order_waiting(personas, chain):
    order = place(personas, chain)
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    actions.order_accept(actor=personas.unit_staff_a, order_id=order.pk)
    actions.order_complete(actor=personas.unit_staff_a, order_id=order.pk, note="好了")
    with pytest.raises(ValidationError) as exc:
        actions.order_confirm(actor=personas.resident_a1, order_id=order.pk, rating=6)
    assert "1 至 5" in str(exc.value.message_dict["rating"])
    order.refresh_from_db()
    assert order.status == S.COMPLETED and order.rating is None


def test_it_refuses_a_completion_by_a_unit_that_never_accepted(personas, chain):
    order = place(personas, chain)
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    with pytest.raises(ValidationError) as exc:
        actions.order_complete(actor=personas.unit_staff_a, order_id=order.pk, note="办好了")
    assert "尚未接单" in str(exc.value)
    with pytest.raises(PermissionDenied):
        actions.order_complete(actor=chain.other_staff, order_id=order.pk, note="办好了")
    order.refresh_from_db()
    assert order.status == S.DISPATCHED and len(history(order)) == 2


def test_it_refuses_a_dispatch_to_a_unit_that_does_not_provide_the_item(tree, personas, chain):
    order = place(personas, chain)
    with pytest.raises(ValidationError):
        actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=make_unit(tree.A))
    order.refresh_from_db()
    assert order.status == S.PLACED


@pytest.mark.parametrize("who,error", [("township_head_b", Http404), ("village_secretary_b1", Http404),
                                       ("resident_a1", PermissionDenied), ("unit_staff_a", PermissionDenied)])
def test_it_refuses_a_dispatch_by_the_wrong_role_and_nothing_changes(personas, chain, who, error):
    order = place(personas, chain)
    with pytest.raises(error):
        actions.order_dispatch(actor=getattr(personas, who), order_id=order.pk, unit=chain.unit)
    order.refresh_from_db()
    assert order.status == S.PLACED and len(history(order)) == 1


@pytest.mark.parametrize("who,error", [("township_head_b", Http404), ("resident_a1", PermissionDenied),
                                       ("village_secretary_a1", PermissionDenied), ("other", PermissionDenied)])
def test_it_refuses_an_acceptance_by_anyone_but_the_dispatched_units_staff(personas, chain, who, error):
    order = place(personas, chain)
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    actor = chain.other_staff if who == "other" else getattr(personas, who)
    with pytest.raises(error):
        actions.order_accept(actor=actor, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == S.DISPATCHED


def test_it_lets_only_the_orderer_confirm_or_cancel(personas, chain):
    order = place(personas, chain)
    with pytest.raises(PermissionDenied):
        actions.order_cancel(actor=personas.village_secretary_a1, order_id=order.pk)
    with pytest.raises(Http404):
        actions.order_cancel(actor=personas.resident_b1, order_id=order.pk)
    assert actions.order_cancel(actor=personas.resident_a1, order_id=order.pk).status == S.CANCELLED
    with pytest.raises(Conflict):
        actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)


def test_it_tells_the_second_dispatcher_that_the_order_is_already_dispatched(personas, chain):
    order = place(personas, chain)
    actions.order_dispatch(actor=personas.village_secretary_a1, order_id=order.pk, unit=chain.unit)
    with pytest.raises(Conflict) as exc:
        actions.order_dispatch(actor=personas.village_assistant_a1, order_id=order.pk, unit=chain.other_unit)
    assert "已被派出" in str(exc.value.message)
    assert Order.objects.get(pk=order.pk).unit == chain.unit


def run_at_once(n, fn):
    """Start n threads behind one barrier; each runs fn(i) with its own DB connection."""
    barrier, results = threading.Barrier(n), [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = ("ok", fn(i))
        except Exception as exc:  # noqa: BLE001 — the outcome is what we assert on
            results[i] = ("err", exc)
        finally:
            close_old_connections()
            from django.db import connection
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_twenty_simultaneous_acceptances_win(tree, personas):
    unit = make_unit(tree.A)
    staff = [make_unit_staff(tree.A, unit, f"racer{i}") for i in range(20)]
    item = make_item(tree.A, [unit])
    order = make_order(tree.A1g, item, placed_by=personas.resident_a1, status=S.DISPATCHED, unit=unit)

    results = run_at_once(20, lambda i: actions.order_accept(actor=staff[i], order_id=order.pk))

    wins = [r for kind, r in results if kind == "ok"]
    refusals = [r for kind, r in results if kind == "err"]
    assert len(wins) == 1 and len(refusals) == 19
    assert all(isinstance(e, Conflict) and "已被接单" in str(e.message) for e in refusals), refusals[:3]
    assert OrderEvent.objects.filter(order=order, to_status=S.ACCEPTED).count() == 1
    order.refresh_from_db()
    assert order.status == S.ACCEPTED and order.accepted_by == wins[0].accepted_by


@pytest.mark.django_db(transaction=True)
def test_it_answers_409_to_the_nineteen_losers_through_the_api(tree, personas, api):
    unit = make_unit(tree.A)
    staff = [make_unit_staff(tree.A, unit, f"apiracer{i}") for i in range(20)]
    item = make_item(tree.A, [unit])
    order = make_order(tree.A1g, item, placed_by=personas.resident_a1, status=S.DISPATCHED, unit=unit)
    clients = [api(u) for u in staff]

    results = run_at_once(20, lambda i: clients[i].post(f"/api/v1/services/orders/{order.pk}/accept/", {}, format="json"))

    codes = sorted(r.status_code for kind, r in results if kind == "ok")
    assert codes == [200] + [409] * 19
    assert all("已被接单" in r.json()["detail"] for _, r in results if r.status_code == 409)
    assert OrderEvent.objects.filter(order=order, to_status=S.ACCEPTED).count() == 1
