"""Pages: the chain in the browser client, clear messages, bounded queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.models import MicroWork, Order, OrderEvent

from .factories import make_allocation, make_fund, make_item, make_order, make_unit, make_work
from .matrix import register_pages  # noqa: F401  (the page list lives in matrix.py)

PAGES = ["services_home", "menu_list", "order_list", "order_mine", "order_dispatch_queue", "order_inbox",
         "micro_work_list", "fund_list", "facility_list", "micro_wish_list", "errand_list", "volunteer_team_list",
         "reporting", "menu_add", "micro_work_add", "errand_add", "volunteer_team_add", "unit_report_add",
         "member_report_add", "micro_wish_add"]


@pytest.fixture
def item(tree, personas):
    return make_item(tree.A, [make_unit(tree.A, staff=[personas.unit_staff_a], name="县供电公司")])


@pytest.mark.parametrize("persona", ["county_admin", "township_head_a", "village_secretary_a1", "village_assistant_a1",
                                     "grid_leader_a1", "unit_staff_a", "resident_a1"])
def test_every_page_opens_for_every_role(web, personas, item, persona):
    from governance import villager

    client = web(getattr(personas, persona))
    for name in PAGES:
        resp = client.get(reverse(f"services:{name}"))
        # villager mode: a page that is not a villager's does not exist for them
        want = 404 if persona == "resident_a1" and not villager.allowed(f"services:{name}") else 200
        assert resp.status_code == want, (persona, name, resp.status_code)


def test_a_resident_orders_from_the_menu_and_follows_the_order_to_the_end(web, tree, personas, item):
    resident, secretary, unit = web(personas.resident_a1), web(personas.village_secretary_a1), web(personas.unit_staff_a)
    assert "上门维修水电" in resident.get(reverse("services:menu_list")).content.decode()
    resp = resident.post(reverse("services:order_place", args=[item.pk]), {"note": "厨房插座没电"})
    order = Order.objects.get()
    assert resp.status_code == 302 and resp["Location"] == order.get_absolute_url()
    assert order.number in resident.get(reverse("services:order_mine")).content.decode()
    assert order.number in secretary.get(reverse("services:order_dispatch_queue")).content.decode()
    secretary.post(reverse("services:order_dispatch", args=[order.pk]), {"unit": item.units.first().pk})
    assert order.number in unit.get(reverse("services:order_inbox")).content.decode()
    unit.post(reverse("services:order_accept", args=[order.pk]))
    unit.post(reverse("services:order_complete", args=[order.pk]), {"note": "已更换插座"})
    page = resident.get(order.get_absolute_url()).content.decode()
    assert "确认并评价" in page and "已更换插座" in page
    resp = resident.post(reverse("services:order_confirm", args=[order.pk]), {"rating": 6})
    assert resp.status_code == 200 and "1 至 5" in resp.content.decode()
    resident.post(reverse("services:order_confirm", args=[order.pk]), {"rating": 5, "comment": "及时"})
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.events.count() == 5


def test_the_second_dispatcher_sees_a_clear_message_and_nothing_changes(web, tree, personas, item):
    order = make_order(tree.A1g, item, placed_by=personas.resident_a1)
    unit = item.units.first()
    web(personas.village_secretary_a1).post(reverse("services:order_dispatch", args=[order.pk]), {"unit": unit.pk})
    resp = web(personas.village_assistant_a1).post(reverse("services:order_dispatch", args=[order.pk]), {"unit": unit.pk})
    assert resp.status_code == 200 and "已被派出" in resp.content.decode()
    assert OrderEvent.objects.filter(order=order, to_status="dispatched").count() == 1


def test_a_unit_of_another_township_gets_404_on_the_order(web, tree, personas, item):
    order = make_order(tree.A1g, item, placed_by=personas.resident_a1)
    for name in ("township_head_b", "village_secretary_b1", "resident_b1"):
        assert web(getattr(personas, name)).get(order.get_absolute_url()).status_code == 404


def test_overdue_orders_are_listed_first_and_counted_on_the_county_view(web, tree, personas, item):
    from django.utils import timezone

    fresh = make_order(tree.A1g, item, placed_by=personas.resident_a1)
    late = make_order(tree.A1g, item, placed_by=personas.resident_a1)
    Order.objects.filter(pk=fresh.pk).update(stage_deadline=timezone.now() + timezone.timedelta(hours=5))
    Order.objects.filter(pk=late.pk).update(stage_deadline=timezone.now() - timezone.timedelta(hours=1))
    page = web(personas.county_admin).get(reverse("services:order_list")).content.decode()
    assert page.index(late.number) < page.index(fresh.number)
    home = web(personas.county_admin).get(reverse("services:services_home"))
    assert home.context["totals"]["overdue"] == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["order_list", "micro_work_list", "volunteer_team_list", "fund_list", "errand_list"])
def test_list_pages_cost_the_same_queries_at_10_and_100_rows(web, tree, personas, item, name):
    from services.models import Errand, VolunteerTeam
    from governance.tests.fixtures import make_resident

    client = web(personas.county_admin)
    url = reverse(f"services:{name}")

    def add(n):
        for i in range(n):
            make_order(tree.A1g, item, placed_by=personas.resident_a1, status=Order.Status.ACCEPTED, unit=item.units.first())
            work = make_work(tree.A1, title=f"路灯{i}")
            VolunteerTeam.objects.create(name=f"队{i}-{n}", region=tree.A1)
            Errand.objects.create(resident=make_resident(tree.A1g), region=tree.A1, kind="other", title="代办",
                                  assistant=personas.village_assistant_a1)
            if i % 3 == 0:
                make_allocation(make_fund(tree.A1, year=2000 + i + n), work, 100)

    add(10)
    at_10 = _queries(client, url)
    add(90)
    at_100 = _queries(client, url)
    assert at_100 == at_10, (name, at_10, at_100)


def test_the_micro_work_board_shows_fund_balances_and_a_work_page_traces_money(web, tree, personas):
    fund = make_fund(tree.A1, 6_000_000)
    work = make_work(tree.A1, status=MicroWork.Status.IN_PROGRESS, title="安装路灯")
    alloc = make_allocation(fund, work, 1_234_567)
    client = web(personas.village_secretary_a1)
    board = client.get(reverse("services:micro_work_list")).content.decode()
    assert "47,654.33" in board  # unallocated balance of 60,000.00 − 12,345.67
    resp = client.post(reverse("services:allocation_spend", args=[alloc.pk]),
                       {"amount": "99999", "payee": "x", "purpose": "y", "receipt_number": "z", "spent_on": "2026-01-05"})
    assert resp.status_code == 200 and "超出余额" in resp.content.decode()
    client.post(reverse("services:allocation_spend", args=[alloc.pk]),
                {"amount": "100.50", "payee": "灯具厂", "purpose": "路灯", "receipt_number": "FP-1", "spent_on": "2026-01-05"})
    alloc.refresh_from_db()
    assert alloc.spent_fen == 10_050
    assert "灯具厂" in client.get(reverse("services:fund_detail", args=[fund.pk])).content.decode()


def test_the_region_page_shows_orders_and_micro_works_of_that_region(web, tree, personas, item):
    make_order(tree.A1g, item, placed_by=personas.resident_a1)
    make_work(tree.A1, status=MicroWork.Status.ACCEPTED)
    page = web(personas.township_head_a).get(f"/regions/{tree.A1.pk}/").content.decode()
    assert 'id="services-panel"' in page and "订单：1" in page
    assert 'id="services-panel"' not in web(personas.township_head_b).get(f"/regions/{tree.B1.pk}/").content.decode()


def test_the_village_office_confirms_an_open311_order_for_the_caller(web, tree, personas, item):
    order = make_order(tree.A1g, item, status=Order.Status.COMPLETED, unit=item.units.first())
    client = web(personas.village_secretary_a1)
    assert "确认并评价" in client.get(order.get_absolute_url()).content.decode()
    client.post(reverse("services:order_confirm", args=[order.pk]), {"rating": 4, "comment": "电话回访满意"})
    order.refresh_from_db()
    assert (order.status, order.rating) == (Order.Status.CONFIRMED, 4)
