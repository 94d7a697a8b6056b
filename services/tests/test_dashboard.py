"""The county dashboard's services figures: scoped, one GROUP BY per model, each linked list shows the rows counted."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from governance import dashboard
from governance.tests.fixtures import make_user
from governance.scoping import Role
from services.models import (
    MemberReport, MicroWork, Order, OrderEvent, ServiceHour, Volunteer, VolunteerActivity, VolunteerHour, VolunteerTeam,
)

from .factories import make_allocation, make_fund, make_item, make_order, make_unit, make_work

S = Order.Status


def figures(response, section_title):
    """{region name: {metric key: raw value}} of one dashboard section, as the page shows it."""
    for s in response.context["sections"]:
        if str(s["section"].title) == section_title:
            keys = [m.key for m in s["section"].metrics]
            return {row["region"].name: {k: c["raw"] for k, c in zip(keys, row["cells"])} for row in s["rows"]}
    raise AssertionError(f"no section {section_title}")


def links(response, section_title):
    for s in response.context["sections"]:
        if str(s["section"].title) == section_title:
            keys = [m.key for m in s["section"].metrics]
            return {row["region"].name: {k: c["url"] for k, c in zip(keys, row["cells"])} for row in s["rows"]}
    raise AssertionError(f"no section {section_title}")


def some_services(tree, n=2):
    """n orders, a fund with an allocation, an accepted micro-work, a team with hours and a reported member
    in A1 (甲镇) and one of each in B1 (乙街道)."""
    unit = make_unit(tree.A)
    item_a, item_b = make_item(tree.A, [unit]), make_item(tree.B, [unit])
    for _ in range(n):
        make_order(tree.A1g, item_a)
    make_order(tree.A1g, item_a, status=S.CONFIRMED, unit=unit)
    make_order(tree.B1g, item_b)
    year = timezone.localdate().year
    for village in (tree.A1, tree.B1):
        fund = make_fund(village, amount_fen=6_000_000, year=year)
        work = make_work(village, status=MicroWork.Status.ACCEPTED)
        MicroWork.objects.filter(pk=work.pk).update(accepted_at=timezone.now())
        make_allocation(fund, work, 1_000_000)
        team = VolunteerTeam.objects.create(name=f"{village.name}志愿队", region=village)
        v = Volunteer.objects.create(team=team, name="志愿者甲")
        act = VolunteerActivity.objects.create(team=team, title="清扫村道", held_on=timezone.localdate())
        VolunteerHour.objects.create(activity=act, volunteer=v, hours=Decimal("2.5"))
        member = make_user(f"member_{village.pk}", Role.RESIDENT, village)
        report = MemberReport.objects.create(member=member, name="在职党员", workplace="县供电公司", community=village)
        ServiceHour.objects.create(report=report, served_on=timezone.localdate(), hours=Decimal("3"), activity="义诊")
    return unit


def test_it_shows_the_county_every_townships_services_and_a_township_only_its_villages(tree, personas, web):
    some_services(tree, n=2)
    county = web(personas.county_admin).get("/dashboard/")
    orders = figures(county, "订单式服务")
    assert orders["甲镇"]["orders"] == 3 and orders["乙街道"]["orders"] == 1 and orders["甲镇"]["confirmed"] == 1
    funds = figures(county, "专项资金与微实事")
    assert funds["甲镇"]["amount"] == 6_000_000 and funds["甲镇"]["allocated"] == 1_000_000
    assert funds["甲镇"]["balance"] == 6_000_000 and funds["甲镇"]["works_this_year"] == 1
    assert "60,000.00" in county.content.decode()  # fen shown as yuan
    people = figures(county, "志愿服务与双报到")
    assert people["乙街道"] == {"teams": 1, "volunteers": 1, "volunteer_hours": Decimal("2.5"), "reported": 1,
                              "reported_hours": Decimal("3")}

    township = web(personas.township_staff_a).get("/dashboard/", {"region": tree.B.pk})
    orders = figures(township, "订单式服务")
    assert set(orders) == {"甲一村", "甲二村"} and orders["甲一村"]["orders"] == 3
    assert "乙一社区" not in township.content.decode()


def test_it_counts_each_stage_on_time_or_late_from_the_orders_history(tree, personas, web):
    unit = make_unit(tree.A)
    item = make_item(tree.A, [unit], dispatch_hours=24, accept_hours=24, work_hours=48)
    now = timezone.now()

    def history(*steps):
        order = make_order(tree.A1g, item, status=S.CONFIRMED, unit=unit)
        events = list(OrderEvent.objects.filter(order=order))
        OrderEvent.objects.filter(pk=events[0].pk).update(at=now - dt.timedelta(hours=200))
        at, old = now - dt.timedelta(hours=200), S.PLACED
        for to, hours in steps:
            at += dt.timedelta(hours=hours)
            OrderEvent.objects.create(order=order, from_status=old, to_status=to, at=at)
            old = to
        Order.objects.filter(pk=order.pk).update(rating=5 if len(steps) == 4 else 3)

    history((S.DISPATCHED, 2), (S.ACCEPTED, 30), (S.COMPLETED, 40), (S.CONFIRMED, 5))  # accept late
    history((S.DISPATCHED, 30), (S.PLACED, 1), (S.DISPATCHED, 3), (S.ACCEPTED, 1), (S.COMPLETED, 60))  # late, handed back
    row = figures(web(personas.county_admin).get("/dashboard/"), "订单式服务")["甲镇"]
    assert row["dispatch_on_time"] == pytest.approx(2 / 3)  # 2 h and 3 h kept 24 h, 30 h did not
    assert row["accept_on_time"] == pytest.approx(2 / 3)  # 1 h (handed back) and 1 h kept it, 30 h did not
    assert row["work_on_time"] == pytest.approx(1 / 2)  # 40 h kept 48 h, 60 h did not
    assert row["handed_back_share"] == pytest.approx(1 / 2) and row["rating"] == pytest.approx(4)


@pytest.mark.parametrize("n", [3, 40])
def test_the_services_sections_cost_fourteen_queries_at_any_number_of_orders(n, tree, personas, web,
                                                                           django_assert_num_queries):
    some_services(tree, n=n)
    client = web(personas.county_admin)
    first = client.get("/dashboard/")
    assert figures(first, "订单式服务")["甲镇"]["orders"] == n + 1
    c = dashboard.Context(user=personas.county_admin, root=tree.C, children=[tree.A, tree.B],
                          child_len=len(tree.A.path), since=timezone.localdate().replace(month=1, day=1),
                          until=timezone.localdate())
    sections = [s for s in dashboard.sections_for(set(), True) if s.key.startswith("services-")]
    sections[0].compute(c)  # the user's roles are read once per request (cached on the user), not per section
    # orders: stock + stages + period + trend; funds: money + works + trend; volunteers: 5 groups;
    # hardship: the register + the wishes per group
    with django_assert_num_queries(14):
        for section in sections:
            section.compute(c)
            section.trend and section.trend(c)


def test_the_whole_county_dashboard_costs_the_same_queries_at_ten_times_the_orders(tree, personas, web,
                                                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = some_services(tree, n=3)
    client = web(personas.county_admin)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as small:
        client.get("/dashboard/")
    item = make_item(tree.A, [unit])
    for _ in range(40):
        make_order(tree.A2g, item)
    with django_assert_max_num_queries(len(small.captured_queries)):  # 21 with every app's sections merged on main
        response = client.get("/dashboard/")
    assert figures(response, "订单式服务")["甲镇"]["orders"] == 44


def test_each_figure_links_to_a_list_that_shows_the_rows_it_counts(tree, personas, web):
    unit = some_services(tree, n=2)
    overdue = make_order(tree.A1g, make_item(tree.A, [unit]))
    Order.objects.filter(pk=overdue.pk).update(stage_deadline=timezone.now() - dt.timedelta(hours=1))
    old = make_work(tree.A1, status=MicroWork.Status.ACCEPTED, title="2020年修的桥")
    MicroWork.objects.filter(pk=old.pk).update(accepted_at=timezone.now().replace(year=2020))
    client = web(personas.county_admin)
    county = client.get("/dashboard/")
    values, urls = figures(county, "订单式服务")["甲镇"], links(county, "订单式服务")["甲镇"]
    for key in ("orders", "overdue", "confirmed"):
        page = client.get(urls[key])
        assert page.context["paginator"].count == values[key] > 0, key
    values, urls = figures(county, "专项资金与微实事")["甲镇"], links(county, "专项资金与微实事")["甲镇"]
    funds = list(client.get(urls["amount"]).context["object_list"])
    assert sum(f.amount_fen for f in funds) == values["amount"] and sum(f.allocated_fen for f in funds) == values["allocated"]
    for key, expected in (("works_this_year", 1), ("works_since", 2)):
        page = client.get(urls[key])
        assert page.context["paginator"].count == values[key] == expected, key
    values, urls = figures(county, "志愿服务与双报到")["甲镇"], links(county, "志愿服务与双报到")["甲镇"]
    teams = list(client.get(urls["teams"]).context["object_list"])
    assert len(teams) == values["teams"] and sum(t.member_count for t in teams) == values["volunteers"]
    assert len(client.get(urls["reported"]).context["member_reports"]) == values["reported"] == 1
