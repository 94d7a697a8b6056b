"""Pages as the people using them see them; lists cost the same at 10 rows as at 100."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grids import actions
from grids.models import EscalationLevel, Issue, IssueStatus, MajorEventTask

from .factories import category, make_household, make_issue, staffed_grid
from .test_sweep import bulk_overdue


def test_the_grid_leaders_page_shows_households_without_a_member_and_the_loads(tree, personas, web):
    grid, (m1, m2) = staffed_grid(tree.A1g)
    homes = [make_household(tree.A1g, address=f"幸福路{i}号") for i in range(4)]
    for h in homes[:3]:
        actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=h, member=m1)
    make_issue(tree.A1g, reporter=personas.resident_a1, title="井盖缺失", deadline=timezone.now() - dt.timedelta(hours=1))
    resp = web(personas.grid_leader_a1).get("/grids/mine/", follow=True)
    page = resp.content.decode()
    assert resp.status_code == 200 and grid.region.name in page
    assert "幸福路3号" in page.split('id="unassigned"')[1].split("</ul>")[0]
    loads = page.split('id="loads"')[1].split("</table>")[0]
    assert loads.index(m1.name) < loads.index(m2.name) and "<td>3</td>" in loads and "<td>0</td>" in loads
    assert "井盖缺失" in page and "已超时" in page


def test_the_queue_puts_overdue_issues_first(tree, personas, web):
    make_issue(tree.A1g, reporter=personas.resident_a1, title="按期事件", level=EscalationLevel.VILLAGE)
    make_issue(tree.A1g, reporter=personas.resident_a1, title="超时事件", level=EscalationLevel.VILLAGE,
               deadline=timezone.now() - dt.timedelta(hours=2))
    page = web(personas.village_secretary_a1).get("/grids/issues/?level=2").content.decode()
    assert page.index("超时事件") < page.index("按期事件")


@pytest.mark.parametrize("n", [10, 100])
def test_the_issue_queue_costs_the_same_at_10_and_100_rows(tree, personas, web, django_assert_max_num_queries, n):
    bulk_overdue(tree, personas.grid_leader_a1, n)
    client = web(personas.township_staff_a)
    with django_assert_max_num_queries(14):
        assert client.get("/grids/issues/?page_size=100").status_code == 200


@pytest.mark.parametrize("n", [10, 100])
def test_the_grid_page_costs_the_same_at_10_and_100_households(tree, personas, web, django_assert_max_num_queries, n):
    grid, (m1, _m2) = staffed_grid(tree.A1g)
    for _ in range(n):
        actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk,
                                      household=make_household(tree.A1g), member=m1)
    client = web(personas.grid_leader_a1)
    with django_assert_max_num_queries(24):
        assert client.get(f"/grids/{grid.pk}/").status_code == 200


def test_a_resident_reports_with_a_photo_and_sees_only_their_own(tree, personas, web):
    other = make_issue(tree.A1g, reporter=personas.grid_leader_a1, title="别人的事")
    client = web(personas.resident_a1)
    resp = client.post("/grids/issues/report/", {
        "category": category().pk, "severity": "minor", "title": "路灯不亮", "description": "村口路灯坏了",
        "file": SimpleUploadedFile("灯.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png"),
    })
    assert resp.status_code == 302
    mine = Issue.objects.get(title="路灯不亮")
    listing = client.get("/grids/issues/").content.decode()
    assert "路灯不亮" in listing and "别人的事" not in listing
    assert client.get(f"/grids/issues/{other.pk}/").status_code == 404
    detail = client.get(f"/grids/issues/{mine.pk}/").content.decode()
    assert "灯.png" in detail and "上报" in detail


def test_a_disguised_upload_gets_a_message_on_the_form_and_nothing_is_saved(tree, personas, web):
    resp = web(personas.resident_a1).post("/grids/issues/report/", {
        "category": category().pk, "severity": "minor", "title": "伪装附件", "description": "x",
        "file": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00not an image", "image/jpeg"),
    })
    assert resp.status_code == 200 and "不是 JPG、PNG 图片或 PDF 文件" in resp.content.decode()
    assert not Issue.objects.exists()


def test_a_handler_escalates_from_the_page_and_a_stale_second_click_is_told(tree, personas, web):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    client = web(personas.grid_leader_a1)
    form = client.get(f"/grids/issues/{issue.pk}/escalate/").content.decode()
    assert f'value="{issue.version}"' in form
    ok = client.post(f"/grids/issues/{issue.pk}/escalate/", {"note": "需要村里协调", "version": issue.version})
    assert ok.status_code == 302
    stale = web(personas.village_secretary_a1).post(f"/grids/issues/{issue.pk}/escalate/",
                                                    {"note": "重复点击", "version": issue.version})
    assert stale.status_code == 200 and "刷新" in stale.content.decode()
    issue.refresh_from_db()
    assert issue.level == EscalationLevel.VILLAGE
    timeline = client.get(f"/grids/issues/{issue.pk}/").content.decode()
    assert "需要村里协调" in timeline and "重复点击" not in timeline


def test_the_reporter_confirms_from_the_page(tree, personas, web):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, status=IssueStatus.RESOLVED)
    client = web(personas.resident_a1)
    assert "确认办结" in client.get(f"/grids/issues/{issue.pk}/").content.decode()
    assert client.post(f"/grids/issues/{issue.pk}/confirm/", {}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED


def test_the_board_shows_who_has_not_answered(tree, personas, web):
    resp = web(personas.township_head_a).post("/grids/major-events/add/", {
        "region": tree.A.pk, "title": "防汛联动", "description": "各网格巡查"})
    assert resp.status_code == 302
    task = MajorEventTask.objects.get(grid__region=tree.A1g)
    assert web(personas.grid_leader_a1).post(f"/grids/major-tasks/{task.pk}/acknowledge/", {"note": "已巡查"}).status_code == 302
    board = web(personas.township_head_a).get(resp["Location"]).content.decode()
    pending = board.split('id="pending"')[1].split("</ul>")[0]
    assert tree.A2g.name in pending and tree.A1g.name not in pending


def test_the_county_overview_counts_open_and_overdue_by_township(tree, personas, web):
    make_issue(tree.A1g, reporter=personas.resident_a1, deadline=timezone.now() - dt.timedelta(hours=1))
    make_issue(tree.B1g, reporter=personas.resident_b1)
    page = web(personas.county_admin).get("/grids/issues/overview/").content.decode()
    table = page.split('id="overview"')[1]
    assert tree.A.name in table and tree.B.name in table
    assert web(personas.township_head_b).get("/grids/issues/overview/").content.decode().count(tree.A.name) == 0


def test_every_page_renders_for_its_roles(tree, personas, web):
    grid, _members = staffed_grid(tree.A1g)
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    for user, urls in [
        (personas.county_admin, ["/grids/", "/grids/issues/", "/grids/sla/", "/grids/issues/overview/", "/grids/visits/",
                                 "/grids/major-events/", f"/regions/{tree.A.pk}/"]),
        (personas.village_secretary_a1, [f"/grids/{grid.pk}/", f"/grids/{grid.pk}/members/add/",
                                         f"/grids/{grid.pk}/responsibilities/assign/", "/grids/visits/add/",
                                         "/grids/major-events/add/", f"/grids/issues/{issue.pk}/assign/",
                                         f"/grids/issues/{issue.pk}/attach/"]),
        (personas.resident_a1, ["/grids/issues/", "/grids/issues/report/", f"/grids/issues/{issue.pk}/"]),
    ]:
        client = web(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.username, url)


def test_a_residents_page_shows_the_responsible_member_and_the_households_issues(tree, personas, web):
    grid, (m1, _m2) = staffed_grid(tree.A1g)
    resident = personas.resident_a1.resident
    actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=resident.household, member=m1)
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, title="院墙开裂")
    Issue.objects.filter(pk=issue.pk).update(household=resident.household)
    page = web(personas.village_secretary_a1).get(f"/residents/{resident.pk}/").content.decode()
    assert m1.name in page and "院墙开裂" in page


def test_a_resident_pressing_accept_is_told_they_may_not(tree, personas, api):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    resp = api(personas.resident_a1).post(f"/api/v1/grids/issues/{issue.pk}/accept/", {}, format="json")
    assert resp.status_code == 403 and "无权办理" in resp.json()["detail"]


def test_a_township_picks_the_household_by_its_number_where_a_drop_down_would_not_fit(tree, personas, web,
                                                                                       monkeypatch):
    """A township holds thousands of households (the county 150,000): above 300 the form asks for the
    household number, found inside the user's scope; a grid leader's few dozen stay a drop-down."""
    import governance.forms

    ours = make_household(tree.A1g, number="A1-0001")
    theirs = make_household(tree.B1b, number="B1-0001")
    for i in range(3):
        make_household(tree.A2g)
    monkeypatch.setattr(governance.forms, "HOUSEHOLD_SELECT_LIMIT", 2)
    client = web(personas.township_staff_a)
    form = client.get("/grids/issues/report/").content.decode()
    assert 'name="household"' in form and '<select name="household"' not in form and "A1-0001" not in form
    post = {"category": category().pk, "severity": "minor", "title": "路灯不亮", "description": "夜间无照明"}
    resp = client.post("/grids/issues/report/", {**post, "household": "B1-0001"})
    assert resp.status_code == 200 and "未找到该户号，或该户不在您的管辖范围内" in resp.content.decode()
    assert not Issue.objects.filter(title="路灯不亮").exists()
    resp = client.post("/grids/issues/report/", {**post, "household": " A1-0001 "})
    assert resp.status_code == 302 and Issue.objects.get(title="路灯不亮").household == ours
    # A visit opened from a grid's "visits due" link arrives with the household's number filled in.
    page = client.get("/grids/visits/add/", {"household": ours.pk}).content.decode()
    assert 'value="A1-0001"' in page
    assert 'value="B1-0001"' not in client.get("/grids/visits/add/", {"household": theirs.pk}).content.decode()
    # The grid leader's scope fits a drop-down.
    page = web(personas.grid_leader_a1).get("/grids/issues/report/").content.decode()
    assert '<select name="household"' in page and "A1-0001" in page and "请选择" in page
