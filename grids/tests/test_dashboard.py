"""The county dashboard's grids and issues figures: scoped, clickable to the same rows, constant cost."""
import datetime as dt

import pytest
from django.utils import timezone

from grids import actions
from grids.models import EscalationLevel, Issue, IssueStatus

from .factories import make_household, make_issue, staffed_grid


def figures(resp, key):
    """{region name: {metric key: raw value}} of one dashboard section, plus each figure's list URL."""
    section = next(s for s in resp.context["sections"] if s["section"].key == key)
    keys = [m.key for m in section["section"].metrics]
    values = {r["region"].name: dict(zip(keys, (c["raw"] for c in r["cells"]))) for r in section["rows"]}
    urls = {r["region"].name: dict(zip(keys, (c["url"] for c in r["cells"]))) for r in section["rows"]}
    return values, urls


def settle(issue, hours, level=EscalationLevel.GRID):
    now = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(status=IssueStatus.RESOLVED, level=level, resolved_at=now,
                                             created_at=now - dt.timedelta(hours=hours))


@pytest.fixture
def county_data(tree, personas):
    grid, (m1, _m2) = staffed_grid(tree.A1g)
    homes = [make_household(tree.A1g) for _ in range(3)]
    actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=homes[0], member=m1)
    for hours in (2, 6, 10):
        settle(make_issue(tree.A1g, reporter=personas.resident_a1, title=f"网格办结{hours}"), hours)
    settle(make_issue(tree.A2g, reporter=personas.resident_a1, title="村里办结"), 30, level=EscalationLevel.VILLAGE)
    make_issue(tree.A1g, reporter=personas.resident_a1, title="在村办理", level=EscalationLevel.VILLAGE)
    make_issue(tree.A1g, reporter=personas.resident_a1, title="乡镇超时", level=EscalationLevel.TOWNSHIP,
               deadline=timezone.now() - dt.timedelta(hours=3))
    make_issue(tree.B1g, reporter=personas.resident_b1, title="乙街道超时", level=EscalationLevel.COUNTY,
               deadline=timezone.now() - dt.timedelta(hours=1))
    return tree


def test_it_shows_the_county_grids_members_and_households_without_a_responsible_member(county_data, personas, web):
    resp = web(personas.county_admin).get("/dashboard/")
    assert "党建网格" in resp.content.decode() and "事件办理" in resp.content.decode()
    grids, _urls = figures(resp, "grids")
    # 甲镇: two groups → two grids; two members on duty; households: 甲村民's, the two members', 3 new; 1 assigned.
    assert grids["甲镇"]["grids"] == 2 and grids["甲镇"]["members_on_duty"] == 2
    assert grids["甲镇"]["households_unassigned"] == 5
    assert grids["甲镇"]["assigned_share"] == pytest.approx(1 / 6)
    assert grids["甲镇"]["grids_unassigned"] == 1  # 甲一村第1组; 甲二村第1组 has no household yet
    assert grids["乙街道"]["grids"] == 1 and grids["乙街道"]["members_on_duty"] == 0


def test_it_counts_issues_settled_in_the_grid_escalated_per_level_and_overdue_with_median_hours(county_data, personas, web):
    issues, _urls = figures(web(personas.county_admin).get("/dashboard/"), "grid_issues")
    a, b = issues["甲镇"], issues["乙街道"]
    assert (a["settled_grid"], a["at_village"], a["at_township"], a["at_county"], a["overdue"]) == (3, 2, 1, 0, 1)
    assert (b["settled_grid"], b["at_county"], b["overdue"]) == (0, 1, 1)
    assert a["median_grid"] == pytest.approx(6.0, abs=0.05)  # 2 h, 6 h, 10 h
    assert a["median_village"] == pytest.approx(30.0, abs=0.05)
    assert a["settled_grid_share"] == pytest.approx(3 / 6)


def test_it_draws_bars_per_township_and_a_monthly_trend_of_issues(county_data, personas, web):
    resp = web(personas.county_admin).get("/dashboard/")
    charts = {c["id"]: c for c in resp.context["charts"]}
    assert charts["chart-grid_issues-overdue"]["labels"] == ["甲镇", "乙街道"]
    assert charts["chart-grid_issues-overdue"]["values"] == [1.0, 1.0]
    trend = charts["trend-grid_issues"]
    month = f"{timezone.localdate():%Y-%m}"
    assert trend["labels"][-1] == month
    assert trend["series"]["上报"][-1] == 7 and trend["series"]["网格内办结"][-1] == 3


def test_a_township_dashboard_holds_only_its_own_villages(county_data, personas, web):
    resp = web(personas.township_staff_a).get("/dashboard/")
    issues, _urls = figures(resp, "grid_issues")
    assert set(issues) == {"甲一村", "甲二村"}
    assert issues["甲一村"]["overdue"] == 1 and issues["甲一村"]["settled_grid"] == 3
    page = resp.content.decode()
    assert "乙街道" not in page and "乙一社区" not in page


def test_each_figure_opens_a_list_showing_exactly_the_rows_counted(county_data, personas, web):
    client = web(personas.county_admin)
    resp = client.get("/dashboard/")
    checked = 0
    for key in ("grids", "grid_issues"):
        values, urls = figures(resp, key)
        for region, metrics in values.items():
            for metric, url in urls[region].items():
                if url is None:
                    continue
                listed = client.get(url)
                assert listed.status_code == 200
                assert len(listed.context["object_list"]) == metrics[metric], (region, metric, url)
                checked += 1
    assert checked == 2 * 2 + 2 * 5


def add_issues(tree, personas, grid, members, n):
    for i in range(n):
        household = make_household(tree.A1g)
        if i % 2:
            actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=household,
                                          member=members[i % 2])
        issue = make_issue(tree.A1g if i % 3 else tree.B1g, reporter=personas.resident_a1, level=1 + i % 4,
                           deadline=timezone.now() + dt.timedelta(hours=-1 if i % 5 == 0 else 5))
        if i % 4 == 0:
            settle(issue, hours=i + 1, level=EscalationLevel.GRID)


def page_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboard/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("n", [5, 50])
def test_the_grids_sections_cost_five_queries_at_5_and_50_issues(n, tree, personas, django_assert_max_num_queries):
    from governance import dashboard as d
    from grids.dashboard import grids_compute, issues_compute, issues_trend

    grid, members = staffed_grid(tree.A1g)
    add_issues(tree, personas, grid, members, n)
    today = timezone.localdate()
    c = d.Context(user=personas.county_admin, root=tree.C, children=[tree.A, tree.B], child_len=len(tree.A.path),
                  since=dt.date(today.year, 1, 1), until=today)
    grids_compute(c)  # reads the user's roles once (cached on the user, as on the page)
    with django_assert_max_num_queries(5):  # grids, members, households, issues, the monthly trend
        values = d.merge(grids_compute(c), issues_compute(c))
        issues_trend(c)
    assert values[tree.A.path]["grids"] == 2


def test_the_county_dashboard_page_costs_the_same_queries_at_5_and_50_issues(tree, personas, web, django_assert_max_num_queries):
    grid, members = staffed_grid(tree.A1g)
    add_issues(tree, personas, grid, members, 5)
    client = web(personas.county_admin)
    client.get("/dashboard/")
    small = page_queries(client)
    add_issues(tree, personas, grid, members, 45)
    with django_assert_max_num_queries(small):
        assert client.get("/dashboard/").status_code == 200
