"""Excel exports of grids and issues: the user's own scope, the list's filters, phones masked."""
import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from grids import actions
from grids.models import EscalationLevel, Grid, Issue

from .factories import make_household, make_issue, party_member, staffed_grid


def rows_of(response):
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_it_exports_a_townships_grids_with_members_households_and_a_masked_leader_phone(tree, personas, web):
    grid, (m1, _m2) = staffed_grid(tree.A1g)
    leader = party_member(tree.A1g, "网格长甲")
    Grid.objects.filter(pk=grid.pk).update(leader=leader)
    home = make_household(tree.A1g)
    actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=home, member=m1)
    rows = rows_of(web(personas.township_staff_a).get("/exports/grids/"))
    header, body = rows[0], {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert header[:5] == ["网格", "统计代码", "村（社区）", "网格长", "网格长手机号"]
    assert set(body) == {"甲一村第1组", "甲二村第1组"}  # nothing of 乙街道
    a1 = body["甲一村第1组"]
    assert a1["网格长"] == "网格长甲" and a1["在岗党员"] == 2 and a1["已分配责任户"] == 1
    # 甲村民's household, the two members', the leader's and the new one: 5, one assigned.
    assert a1["户数"] == 5 and a1["未分配责任户"] == 4
    flat = " ".join(str(c) for r in rows for c in r)
    assert "138****8000" in flat and "13800138000" not in flat


def test_the_grid_export_follows_the_lists_filter(tree, personas, web):
    make_household(tree.A2g)  # 甲二村第1组 now has a household nobody is responsible for
    rows = rows_of(web(personas.township_staff_a).get("/exports/grids/", {"unassigned": "false"}))
    assert [r[0] for r in rows[1:]] == []  # 甲一村第1组 has 甲村民's household, unassigned as well
    rows = rows_of(web(personas.township_staff_a).get("/exports/grids/", {"unassigned": "true"}))
    assert [r[0] for r in rows[1:]] == ["甲一村第1组", "甲二村第1组"]


def test_a_township_issue_export_holds_only_its_issues_with_masked_phones(tree, personas, web):
    villager = party_member(tree.A1g, "当事人甲")
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, title="甲镇的事")
    Issue.objects.filter(pk=issue.pk).update(resident=villager)
    make_issue(tree.B1g, reporter=personas.resident_b1, title="乙街道的事")
    rows = rows_of(web(personas.township_staff_a).get("/exports/grid_issues/"))
    assert rows[0][:3] == ["编号", "标题", "类别"]
    assert [r[1] for r in rows[1:]] == ["甲镇的事"]
    line = dict(zip(rows[0], rows[1]))
    assert line["当事群众"] == "当事人甲" and line["联系电话"] == "138****8000"
    assert line["当前层级"] == "网格" and line["状态"] == "已上报" and line["乡镇（街道）"] == "甲镇"
    flat = " ".join(str(c) for r in rows for c in r)
    assert "13800138000" not in flat


def test_the_issue_export_follows_the_overdue_filter_and_is_staff_work(tree, personas, web):
    make_issue(tree.A1g, reporter=personas.resident_a1, title="超时的事", level=EscalationLevel.VILLAGE,
               deadline=timezone.now() - dt.timedelta(hours=1))
    make_issue(tree.A1g, reporter=personas.grid_leader_a1, title="按期的事")
    rows = rows_of(web(personas.village_secretary_a1).get("/exports/grid_issues/", {"overdue": "true"}))
    assert [r[1] for r in rows[1:]] == ["超时的事"]
    # a villager reads their own issues on 我的诉求; exports are staff work (villager mode)
    assert web(personas.resident_a1).get("/exports/grid_issues/").status_code == 404
    assert "超时的事" in web(personas.resident_a1).get("/grids/issues/").content.decode()


def test_the_list_pages_carry_the_export_button_with_their_filters(tree, personas, web):
    client = web(personas.township_staff_a)
    assert '/exports/grids/?unassigned=true' in client.get("/grids/", {"unassigned": "true"}).content.decode()
    assert '/exports/grid_issues/?overdue=true' in client.get("/grids/issues/", {"overdue": "true"}).content.decode()
