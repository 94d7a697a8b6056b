"""Pages and API of departments/: what each person sees, the villagers' catalogue, and pinned query counts."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from departments import actions
from departments.models import DepartmentAssignment, Supervision, Whistle, WhistleCall
from governance.models import Region
from grids.tests.factories import category

from .factories import assignment, catalogue_item, county_issue, department


@pytest.fixture
def world(tree, personas):
    transport = department("transport", "县交通运输局", staff=[personas.department_staff_a])
    water = department("water", "县水利局", staff=[personas.department_staff_b])
    return transport, water


def _fill(tree, personas, transport, water, n):
    for i in range(n):
        issue = county_issue(tree.A1g if i % 2 else tree.B1g, reporter=personas.grid_leader_a1, title=f"县级事件{i}")
        assignment(issue, transport if i % 2 else water)
        Supervision.objects.create(issue=issue, requirement="督办", deadline=timezone.now() + dt.timedelta(days=2),
                                   created_by=personas.county_admin)
        w = Whistle.objects.create(issue=issue, township=Region.objects.get(pk=issue.township_id), request="吹哨",
                                   ack_deadline=timezone.now() + dt.timedelta(hours=4), blown_by=personas.county_admin)
        WhistleCall.objects.create(whistle=w, department=transport)
        WhistleCall.objects.create(whistle=w, department=water)


LISTS = ["departments:assignment_list", "departments:supervision_list", "departments:whistle_list",
         "departments:department_list", "departments:catalogue", "departments:unit_supervisor_list",
         "departments:scorecard"]


# A warm page (session read, the user's roles, the menu, the page's own queries): the same at 3 or 9 rows.
PINNED = {"departments:assignment_list": 9, "departments:supervision_list": 8, "departments:whistle_list": 10,
          "departments:department_list": 6, "departments:catalogue": 7, "departments:unit_supervisor_list": 7,
          "departments:scorecard": 5}


@pytest.mark.parametrize("url_name", LISTS)
def test_list_pages_cost_the_same_at_3_or_9_rows(url_name, tree, personas, world, web):
    transport, water = world
    counts = []
    for n in (3, 9):
        _fill(tree, personas, transport, water, n)
        for user in (personas.county_admin, personas.department_staff_a):
            client = web(user)
            client.get(reverse(url_name))  # warm the session and caches
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(reverse(url_name))
            assert resp.status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert max(counts) <= PINNED[url_name], counts


def test_a_department_sees_its_inbox_and_not_the_others(tree, personas, world, web):
    transport, water = world
    mine = assignment(county_issue(tree.A1g, reporter=personas.grid_leader_a1, title="公路塌方"), transport)
    theirs = assignment(county_issue(tree.A1g, reporter=personas.grid_leader_a1, title="山塘渗漏"), water)
    page = web(personas.department_staff_a).get(reverse("departments:assignment_list")).content.decode()
    assert "公路塌方" in page and "山塘渗漏" not in page
    assert web(personas.department_staff_a).get(theirs.get_absolute_url()).status_code == 404
    assert web(personas.department_staff_a).post(reverse("departments:assignment_accept", args=[theirs.pk])).status_code == 404
    resp = web(personas.department_staff_a).get(mine.get_absolute_url())
    assert resp.status_code == 200 and "签收" in resp.content.decode()
    resp = web(personas.department_staff_a).post(reverse("departments:assignment_accept", args=[mine.pk]), follow=True)
    assert "已签收" in resp.content.decode()
    mine.refresh_from_db()
    assert mine.state == "accepted"
    # the other township sees neither; the issue's township sees its own
    assert web(personas.township_head_b).get(mine.get_absolute_url()).status_code == 404
    assert web(personas.township_head_a).get(mine.get_absolute_url()).status_code == 200


def test_the_api_inbox_and_verbs_are_scoped(tree, personas, world, api):
    transport, water = world
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(personas.department_staff_a)
    counts = []
    for n in (2, 8):
        for i in range(n):
            assignment(county_issue(tree.A1g, reporter=personas.grid_leader_a1, title=f"A{n}-{i}"), transport if i % 2 else water)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/departments/assignments/").json()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12, counts  # not growing with the rows
    assert {r["department_name"] for r in body["results"]} == {"县交通运输局"} and len(body["results"]) == 5
    theirs = DepartmentAssignment.objects.filter(department=water).first()
    assert api(personas.department_staff_a).post(f"/api/v1/departments/assignments/{theirs.pk}/accept/").status_code == 404
    mine = DepartmentAssignment.objects.filter(department=transport).first()
    resp = api(personas.department_staff_a).post(f"/api/v1/departments/assignments/{mine.pk}/hand-back/", {}, format="json")
    assert resp.status_code == 400 and "reason" in resp.json()
    resp = api(personas.department_staff_a).post(f"/api/v1/departments/assignments/{mine.pk}/hand-back/",
                                                 {"reason": "不属本部门职责"}, format="json")
    assert resp.status_code == 200 and resp.json()["state"] == "handed_back"


def test_villagers_read_the_catalogue_in_plain_words(tree, personas, world, web):
    transport, _water = world
    catalogue_item(transport, category("construction_development"), name="农村公路坑洼修补", sla_days=15)
    actions.catalogue_item_create(actor=personas.county_admin, name="邻里小纠纷", level="village",
                                  plain_description="先找网格员和村调解委员会，一般三天内调解。", sla_days=3)
    resp = web(personas.resident_a1).get(reverse("departments:catalogue"))
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "农村公路坑洼修补" in page and "县交通运输局" in page and "一般15天内办好" in page
    assert "村/组可办" in page and "先找网格员" in page
    assert "/departments/catalogue/" not in page.replace(reverse("departments:catalogue") + "\"", "")  # no edit links
    # other pages of the app are not a villager's
    assert web(personas.resident_a1).get(reverse("departments:assignment_list")).status_code == 404


def test_the_department_page_shows_its_units_performance(tree, personas, world, web):
    from centers.models import Unit

    transport, water = world
    unit = Unit.objects.create(name="县公路养护站", kind=Unit.Kind.AGENCY, region=tree.A)
    other = Unit.objects.create(name="县供水公司", kind=Unit.Kind.STATE_FIRM, region=tree.A)
    actions.unit_supervisor_set(actor=personas.county_admin, unit=unit, department=transport)
    actions.unit_supervisor_set(actor=personas.county_admin, unit=other, department=water)
    page = web(personas.department_staff_a).get(transport.get_absolute_url()).content.decode()
    assert "县公路养护站" in page and "县供水公司" not in page
    assert web(personas.department_staff_a).get(water.get_absolute_url()).status_code == 404


def test_the_scorecard_counts_per_department_and_month(tree, personas, world, web):
    transport, water = world
    a = assignment(county_issue(tree.A1g, reporter=personas.grid_leader_a1), transport)
    actions.assignment_accept(actor=personas.department_staff_a, assignment_id=a.pk)
    actions.assignment_report(actor=personas.department_staff_a, assignment_id=a.pk, result="已修复")
    b = assignment(county_issue(tree.A1g, reporter=personas.grid_leader_a1), water,
                   deadline=timezone.now() - dt.timedelta(days=1))
    actions.assignment_hand_back(actor=personas.department_staff_b, assignment_id=b.pk, reason="非本部门")
    from departments.selectors import scorecard

    rows = {r["department__name"]: r for r in scorecard(user=personas.county_admin, since=timezone.localdate() - dt.timedelta(days=1),
                                                         until=timezone.localdate())}
    assert (rows["县交通运输局"]["received"], rows["县交通运输局"]["on_time"], rows["县交通运输局"]["overdue"]) == (1, 1, 0)
    assert rows["县水利局"]["handed_back"] == 1
    own = scorecard(user=personas.department_staff_a, since=timezone.localdate() - dt.timedelta(days=1),
                    until=timezone.localdate())
    assert [r["department__name"] for r in own] == ["县交通运输局"]


def test_the_dashboard_section_counts_by_region(tree, personas, world):
    from governance import dashboard as d

    from departments.dashboard import departments_compute

    transport, _water = world
    assignment(county_issue(tree.A1g, reporter=personas.grid_leader_a1), transport)
    assignment(county_issue(tree.B1g, reporter=personas.grid_leader_b1), transport,
               deadline=timezone.now() - dt.timedelta(hours=1))
    children = list(Region.objects.filter(parent=tree.C))
    ctx = d.Context(user=personas.county_admin, root=tree.C, children=children, child_len=len(tree.A.path),
                    since=None, until=None)
    out = departments_compute(ctx)
    assert out[tree.A.path]["dept_received"] == 1 and out[tree.A.path]["dept_overdue"] == 0
    assert out[tree.B.path]["dept_received"] == 1 and out[tree.B.path]["dept_overdue"] == 1
