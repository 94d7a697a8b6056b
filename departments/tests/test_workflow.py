"""The county departments in the issue chain: routing by the catalogue, the inbox's workflow (签收, 退回,
改派, 主办/协办, 报结, 乡镇确认), 督办 and 吹哨报到, each through its action; and the scoping: one department's
staff see nothing of another's."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from departments import actions
from departments.models import AssignmentEvent, DepartmentAssignment, Supervision, WhistleCall
from governance.errors import Conflict
from governance.models import AuditEntry, Notification
from grids import actions as grid_actions
from grids.actions import issues_escalate_overdue
from grids.models import EscalationLevel, IssueEvent, IssueStatus
from grids.tests.factories import category, make_issue

from .factories import assignment, catalogue_item, county_issue, department


def overdue(hours=1):
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def depts(personas):
    transport = department("transport", "县交通运输局", staff=[personas.department_staff_a])
    water = department("water", "县水利局", staff=[personas.department_staff_b])
    return transport, water


def test_the_sweep_routes_an_issue_reaching_the_county_to_its_competent_department_only(
        tree, personas, depts, django_capture_on_commit_callbacks):
    transport, water = depts
    road = category("construction_development")
    item = catalogue_item(transport, road, sla_days=7, name="农村公路塌方抢修")
    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.TOWNSHIP, cat=road,
                       deadline=overdue())
    with django_capture_on_commit_callbacks(execute=True):
        result = issues_escalate_overdue()
    assert result["moved"] == 1
    a = DepartmentAssignment.objects.get(issue=issue)
    assert (a.department, a.role, a.state, a.catalogue_item) == (transport, "lead", "pending", item)
    assert dt.timedelta(days=6, hours=23) < a.deadline - timezone.now() <= dt.timedelta(days=7)
    assert AssignmentEvent.objects.filter(assignment=a, kind="routed").count() == 1
    assert AuditEntry.objects.filter(action="department_assignment.routed", object_id=str(a.pk)).exists()
    assert Notification.objects.filter(user=personas.department_staff_a, title__contains="交办").exists()
    assert not Notification.objects.filter(user=personas.department_staff_b).exists()
    # scoped: the water bureau sees nothing of it, its page is not found to them
    assert DepartmentAssignment.objects.restrict(personas.department_staff_a).count() == 1
    assert DepartmentAssignment.objects.restrict(personas.department_staff_b).count() == 0
    with pytest.raises(Http404):
        actions.assignment_accept(actor=personas.department_staff_b, assignment_id=a.pk)
    # a second sweep routes nothing again (the issue is at the county: it cannot move, nor be routed twice)
    issues_escalate_overdue(now=timezone.now() + dt.timedelta(days=30))
    assert DepartmentAssignment.objects.filter(issue=issue).count() == 1


def test_a_handlers_escalation_to_the_county_routes_the_same_way(tree, personas, depts):
    transport, _water = depts
    road = category("construction_development")
    catalogue_item(transport, road)
    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.TOWNSHIP, cat=road)
    grid_actions.issue_escalate(actor=personas.township_head_a, issue_id=issue.pk, reason="需县交通局处置")
    assert DepartmentAssignment.objects.get(issue=issue).department == transport


def test_an_issue_the_catalogue_does_not_route_stays_with_the_org_department_which_routes_it(tree, personas, depts):
    _transport, water = depts
    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.TOWNSHIP,
                       cat=category("law_based_governance"), deadline=overdue())
    issues_escalate_overdue()
    assert not DepartmentAssignment.objects.filter(issue=issue).exists()
    with pytest.raises(PermissionDenied):
        actions.issue_route(actor=personas.township_head_a, issue_id=issue.pk, department=water)
    a = actions.issue_route(actor=personas.county_admin, issue_id=issue.pk, department=water)
    assert (a.department, a.state) == (water, "pending")
    with pytest.raises(Conflict):
        actions.issue_route(actor=personas.county_admin, issue_id=issue.pk, department=water)


def test_hand_back_reassign_co_handle_report_and_the_townships_confirmation(tree, personas, depts,
                                                                            django_capture_on_commit_callbacks):
    transport, water = depts
    staff_t, staff_w = personas.department_staff_a, personas.department_staff_b
    issue = county_issue(tree.A1g, reporter=personas.resident_a1)
    first = assignment(issue, transport)
    actions.assignment_accept(actor=staff_t, assignment_id=first.pk)
    with pytest.raises(ValidationError):
        actions.assignment_hand_back(actor=staff_t, assignment_id=first.pk, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        actions.assignment_hand_back(actor=staff_t, assignment_id=first.pk, reason="属水利设施，非公路")
    first.refresh_from_db()
    assert first.state == "handed_back" and first.handed_back_at is not None
    assert Notification.objects.filter(user=personas.county_admin, title__contains="改派").exists()
    with pytest.raises(PermissionDenied):  # the township does not reassign
        actions.assignment_reassign(actor=personas.township_head_a, assignment_id=first.pk, department=water, reason="x")
    lead = actions.assignment_reassign(actor=personas.county_admin, assignment_id=first.pk, department=water,
                                       reason="水利设施归水利局")
    first.refresh_from_db()
    assert first.state == "reassigned" and (lead.department, lead.state) == (water, "pending")

    actions.assignment_accept(actor=staff_w, assignment_id=lead.pk)
    with pytest.raises(Conflict):  # pressed twice
        actions.assignment_accept(actor=staff_w, assignment_id=lead.pk)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS
    assist = actions.assignment_request_assist(actor=staff_w, assignment_id=lead.pk, department=transport,
                                               part="修复冲毁的进村道路")
    assert (assist.role, assist.lead, assist.part) == ("assist", lead, "修复冲毁的进村道路")
    # the transport bureau now sees its part of the matter (and not the water bureau's lead row)
    assert set(DepartmentAssignment.objects.restrict(staff_t).values_list("pk", flat=True)) == {first.pk, assist.pk}
    actions.assignment_accept(actor=staff_t, assignment_id=assist.pk)
    with pytest.raises(PermissionDenied):  # a 协办 cannot ask a third department
        actions.assignment_request_assist(actor=staff_t, assignment_id=assist.pk, department=water, part="x")
    with pytest.raises(ValidationError) as err:  # the lead waits for every part
        actions.assignment_report(actor=staff_w, assignment_id=lead.pk, result="堤坝已加固")
    assert "县交通运输局" in str(err.value)
    actions.assignment_report(actor=staff_t, assignment_id=assist.pk, result="道路已抢通")
    with pytest.raises(Http404):  # another township does not even see it
        actions.assignment_confirm(actor=personas.township_head_b, assignment_id=lead.pk)
    actions.assignment_report(actor=staff_w, assignment_id=lead.pk, result="堤坝已加固")
    with pytest.raises(PermissionDenied):  # the department cannot confirm itself
        actions.assignment_confirm(actor=staff_w, assignment_id=lead.pk)
    actions.assignment_return_report(actor=personas.township_head_a, assignment_id=lead.pk, reason="渗漏仍在")
    lead.refresh_from_db()
    assert lead.state == "accepted"
    actions.assignment_report(actor=staff_w, assignment_id=lead.pk, result="渗漏点已封堵")
    with django_capture_on_commit_callbacks(execute=True):
        actions.assignment_confirm(actor=personas.township_head_a, assignment_id=lead.pk)
    lead.refresh_from_db(), assist.refresh_from_db(), issue.refresh_from_db()
    assert (lead.state, assist.state) == ("confirmed", "confirmed")
    assert issue.status == IssueStatus.RESOLVED and issue.resolved_at is not None
    assert IssueEvent.objects.filter(issue=issue, kind="resolved", note__contains="县水利局").exists()
    assert Notification.objects.filter(user=personas.resident_a1, title__contains="已办结").exists()
    kinds = list(AssignmentEvent.objects.filter(assignment=lead).values_list("kind", flat=True))
    assert kinds == ["routed", "accepted", "assist_asked", "reported", "report_returned", "reported", "confirmed"]


def test_supervision_escalates_once_in_the_sweep_when_overdue(tree, personas, depts, django_capture_on_commit_callbacks):
    transport, _water = depts
    issue = county_issue(tree.A1g, reporter=personas.grid_leader_a1)
    assignment(issue, transport)
    with pytest.raises(PermissionDenied):
        actions.supervision_open(actor=personas.township_head_a, issue=issue, requirement="x",
                                 deadline=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.supervision_open(actor=personas.county_admin, issue=issue, requirement="三日内抢通",
                                 deadline=timezone.now() - dt.timedelta(days=1))
    sup = actions.supervision_open(actor=personas.county_admin, issue=issue, requirement="三日内抢通",
                                   deadline=timezone.now() + dt.timedelta(days=3))
    # the department sees the supervision of its matter; the other department does not
    assert Supervision.objects.restrict(personas.department_staff_a).count() == 1
    assert Supervision.objects.restrict(personas.department_staff_b).count() == 0
    assert issues_escalate_overdue()["supervisions_escalated"] == 0
    later = timezone.now() + dt.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert issues_escalate_overdue(now=later)["supervisions_escalated"] == 1
    assert issues_escalate_overdue(now=later)["supervisions_escalated"] == 0  # exactly once
    sup.refresh_from_db()
    assert sup.state == "escalated" and sup.escalated_at is not None
    assert IssueEvent.objects.filter(issue=issue, note__contains="升级为县领导督办").count() == 1
    assert AuditEntry.objects.filter(action="supervision.escalated", object_id=str(sup.pk)).count() == 1
    assert Notification.objects.filter(user=personas.county_admin, title__contains="升级督办").count() == 1
    actions.supervision_close(actor=personas.county_admin, supervision_id=sup.pk, note="已抢通")
    sup.refresh_from_db()
    assert sup.state == "closed"


def test_a_whistle_names_departments_which_report_and_a_missed_deadline_is_marked_once(
        tree, personas, depts, django_capture_on_commit_callbacks):
    transport, water = depts
    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.TOWNSHIP)
    with pytest.raises(PermissionDenied):  # only the issue's own township blows the whistle
        actions.whistle_blow(actor=personas.township_head_b, issue=issue, departments=[transport], request="x")
    with pytest.raises(ValidationError):
        actions.whistle_blow(actor=personas.township_head_a, issue=issue, departments=[], request="x")
    with django_capture_on_commit_callbacks(execute=True):
        whistle = actions.whistle_blow(actor=personas.township_head_a, issue=issue, departments=[transport, water],
                                       request="山体滑坡堵路，请交通、水利到场会商", ack_hours=2)
    assert Notification.objects.filter(user=personas.department_staff_b, title__contains="吹哨").exists()
    t_call = WhistleCall.objects.get(whistle=whistle, department=transport)
    w_call = WhistleCall.objects.get(whistle=whistle, department=water)
    assert set(WhistleCall.objects.restrict(personas.department_staff_a).values_list("pk", flat=True)) == {t_call.pk}
    with pytest.raises(Http404):
        actions.call_acknowledge(actor=personas.department_staff_b, call_id=t_call.pk, people="张三")
    actions.call_acknowledge(actor=personas.department_staff_a, call_id=t_call.pk, people="养护站 李工 等3人")
    later = timezone.now() + dt.timedelta(hours=3)
    assert issues_escalate_overdue(now=later)["whistle_calls_missed"] == 1
    assert issues_escalate_overdue(now=later)["whistle_calls_missed"] == 0
    w_call.refresh_from_db(), t_call.refresh_from_db()
    assert (w_call.state, t_call.state) == ("missed", "acknowledged") and w_call.missed_at is not None
    actions.call_acknowledge(actor=personas.department_staff_b, call_id=w_call.pk, people="水利站 王工")  # late
    actions.call_attendance(actor=personas.township_head_a, call_id=t_call.pk, attended=True, note="按时到场")
    actions.call_attendance(actor=personas.township_head_a, call_id=w_call.pk, attended=False, note="未到")
    with pytest.raises(PermissionDenied):
        actions.whistle_close(actor=personas.department_staff_a, whistle_id=whistle.pk, outcome="x")
    actions.whistle_close(actor=personas.township_head_a, whistle_id=whistle.pk, outcome="道路已清障")
    whistle.refresh_from_db()
    assert whistle.state == "closed"
    assert list(whistle.calls.order_by("department__code").values_list("state", flat=True)) == ["attended", "absent"]


def test_the_catalogue_checks_its_input(personas, depts):
    transport, _water = depts
    with pytest.raises(ValidationError) as err:
        actions.catalogue_item_create(actor=personas.county_admin, name="路灯", level="county", plain_description="",
                                      sla_days=0)
    assert {"department", "plain_description", "sla_days"} <= set(err.value.message_dict)
    with pytest.raises(PermissionDenied):
        actions.catalogue_item_create(actor=personas.township_head_a, name="路灯", level="village",
                                      plain_description="村里修")
    cat = category("construction_development")
    actions.catalogue_item_create(actor=personas.county_admin, name="公路", level="county", department=transport,
                                  plain_description="找交通局", categories=[cat])
    with pytest.raises(ValidationError) as err:  # a category routes to one matter only
        actions.catalogue_item_create(actor=personas.county_admin, name="桥梁", level="county", department=transport,
                                      plain_description="找交通局", categories=[cat])
    assert "categories" in err.value.message_dict
