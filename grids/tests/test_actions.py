"""The chain as the people in it see it: report, accept, escalate, resolve, confirm; bad input changes nothing."""
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from centers.models import WorkCategory, WorkItem
from governance.attachments import attachments_of
from governance.errors import Conflict
from governance.models import Notification
from grids import actions
from grids.models import EscalationLevel, Issue, IssueEvent, IssueStatus, Responsibility, Severity

from .factories import category, make_household, make_issue, party_member, staffed_grid

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def report(user, **kw):
    args = dict(actor=user, category=category(), severity=Severity.MINOR, title="垃圾未清运", description="三天没人收")
    args.update(kw)
    return actions.issue_report(**args)


def test_a_resident_reports_for_their_own_household_with_a_photo(tree, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue = report(personas.resident_a1, uploads=[SimpleUploadedFile("垃圾.png", PNG, "image/png")])
    own = personas.resident_a1.resident
    assert (issue.household, issue.resident, issue.region, issue.level) == (own.household, own, tree.A1g, EscalationLevel.GRID)
    assert attachments_of(issue).get().mime == "image/png"
    assert issue.events.get().kind == "reported"
    assert Notification.objects.filter(user=personas.grid_leader_a1, title__contains="垃圾未清运").exists()


def test_a_resident_cannot_report_into_another_village(tree, personas):
    with pytest.raises(ValidationError) as exc:
        report(personas.resident_a1, region=tree.A2g)
    assert "其他村" in str(exc.value)
    assert not Issue.objects.exists()


def test_a_resident_cannot_report_for_another_household(tree, personas):
    other = make_household(tree.A1g)
    with pytest.raises(ValidationError):
        report(personas.resident_a1, household=other)
    assert not Issue.objects.exists()


def test_an_unknown_or_disabled_category_is_refused(tree, personas):
    disabled = category()
    WorkCategory.objects.filter(pk=disabled.pk).update(active=False)
    disabled.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        report(personas.grid_leader_a1, category=disabled, region=tree.A1g)
    assert "category" in exc.value.message_dict
    with pytest.raises(ValidationError):
        report(personas.grid_leader_a1, category=None, region=tree.A1g)
    assert not Issue.objects.exists()


def test_a_disguised_attachment_leaves_no_issue_behind(tree, personas):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", "image/jpeg")
    with pytest.raises(ValidationError) as exc:
        report(personas.resident_a1, uploads=[fake])
    assert "不是" in str(exc.value)
    assert not Issue.objects.exists() and not IssueEvent.objects.exists()


def test_an_oversized_attachment_is_refused(tree, personas):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(ValidationError) as exc:
        report(personas.resident_a1, uploads=[big])
    assert "过大" in str(exc.value)
    assert not Issue.objects.exists()


def test_staff_cannot_report_outside_their_scope(tree, personas):
    with pytest.raises(ValidationError):
        report(personas.grid_leader_a1, region=tree.B1g)


def test_the_full_chain_from_grid_to_township_center_and_back_to_the_reporter(tree, personas, django_capture_on_commit_callbacks):
    issue = report(personas.resident_a1, category=category("construction_development"), severity=Severity.HARD)
    issue = actions.issue_accept(actor=personas.grid_leader_a1, issue_id=issue.pk)
    issue = actions.issue_escalate(actor=personas.grid_leader_a1, issue_id=issue.pk, reason="需要村里协调资金")
    assert issue.level == EscalationLevel.VILLAGE
    with pytest.raises(PermissionDenied):  # the grid no longer handles it
        actions.issue_resolve(actor=personas.grid_leader_a1, issue_id=issue.pk, note="已修")
    with django_capture_on_commit_callbacks(execute=True):
        issue = actions.issue_escalate(actor=personas.village_secretary_a1, issue_id=issue.pk, reason="超出村级能力")
    assert issue.level == EscalationLevel.TOWNSHIP
    item = WorkItem.objects.get(pk=issue.work_item_id)
    assert item.center.kind == "construction_development" and item.township == tree.A
    assert Notification.objects.filter(user=personas.township_staff_a, title__contains="提级").exists()
    actions.issue_accept(actor=personas.township_staff_a, issue_id=issue.pk)
    actions.issue_resolve(actor=personas.township_staff_a, issue_id=issue.pk, note="已安排施工队维修")
    issue = actions.issue_confirm(actor=personas.resident_a1, issue_id=issue.pk)
    assert issue.status == IssueStatus.CLOSED
    kinds = list(issue.events.values_list("kind", flat=True))
    assert kinds == ["reported", "accepted", "escalated", "escalated", "accepted", "resolved", "closed"]


def test_the_reporter_can_reopen_a_resolution_they_are_not_happy_with(tree, personas):
    issue = report(personas.resident_a1)
    actions.issue_resolve(actor=personas.grid_leader_a1, issue_id=issue.pk, note="已处理")
    with pytest.raises(PermissionDenied):
        actions.issue_reopen(actor=personas.grid_leader_a1, issue_id=issue.pk, reason="x")
    issue = actions.issue_reopen(actor=personas.resident_a1, issue_id=issue.pk, reason="垃圾还在")
    assert issue.status == IssueStatus.REOPENED


def test_escalating_a_closed_issue_is_refused_and_changes_nothing(tree, personas):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, status=IssueStatus.CLOSED)
    with pytest.raises(Conflict) as exc:
        actions.issue_escalate(actor=personas.grid_leader_a1, issue_id=issue.pk, reason="再看看")
    assert "已确认关闭" in str(exc.value.message)
    issue.refresh_from_db()
    assert issue.level == EscalationLevel.GRID and issue.events.count() == 1


def test_escalating_without_a_reason_is_refused(tree, personas):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    with pytest.raises(ValidationError):
        actions.issue_escalate(actor=personas.grid_leader_a1, issue_id=issue.pk, reason=" ")


def test_rejecting_needs_a_reason_and_tells_the_reporter(tree, personas, django_capture_on_commit_callbacks):
    issue = report(personas.resident_a1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_reject(actor=personas.grid_leader_a1, issue_id=issue.pk, reason="不属于公共事务")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REJECTED and issue.reject_reason == "不属于公共事务"
    assert Notification.objects.filter(user=personas.resident_a1, title__contains="不予受理").exists()


def test_a_stale_form_loses_with_a_clear_message(tree, personas):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    seen = issue.version
    actions.issue_accept(actor=personas.grid_leader_a1, issue_id=issue.pk, version=seen)
    with pytest.raises(Conflict) as exc:
        actions.issue_escalate(actor=personas.village_secretary_a1, issue_id=issue.pk, reason="x", version=seen)
    assert "刷新" in str(exc.value.message)


def _race(fn_a, fn_b):
    from django.db import connections

    barrier, outcomes = threading.Barrier(2), []

    def run(fn):
        try:
            barrier.wait()
            fn()
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(str(exc.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in (fn_a, fn_b)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_handlers_escalating_at_once_one_wins_the_other_is_told(tree, personas):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    v = issue.version
    outcomes = _race(
        lambda: actions.issue_escalate(actor=personas.grid_leader_a1, issue_id=issue.pk, reason="甲", version=v),
        lambda: actions.issue_escalate(actor=personas.village_secretary_a1, issue_id=issue.pk, reason="乙", version=v),
    )
    assert outcomes.count("ok") == 1 and any("刷新" in o for o in outcomes if o != "ok")
    issue.refresh_from_db()
    assert issue.level == EscalationLevel.VILLAGE
    assert IssueEvent.objects.filter(issue=issue, kind="escalated").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_handlers_resolving_at_once_one_wins_the_other_is_told(tree, personas):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, status=IssueStatus.ACCEPTED)
    outcomes = _race(
        lambda: actions.issue_resolve(actor=personas.grid_leader_a1, issue_id=issue.pk, note="甲办结"),
        lambda: actions.issue_resolve(actor=personas.village_secretary_a1, issue_id=issue.pk, note="乙办结"),
    )
    assert outcomes.count("ok") == 1 and any("已办结" in o for o in outcomes if o != "ok")
    assert IssueEvent.objects.filter(issue=issue, kind="resolved").count() == 1


def test_each_household_has_at_most_one_responsible_member_and_loads_show(tree, personas):
    grid, (m1, m2) = staffed_grid(tree.A1g)
    households = [make_household(tree.A1g) for _ in range(3)]
    for h in households:
        actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=h, member=m1)
    actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=households[0], member=m2)
    assert Responsibility.objects.filter(household=households[0]).get().member == m2
    from grids.selectors import grid_member_loads, grid_unassigned_households

    loads = {gm.resident_id: gm.load for gm in grid_member_loads(user=personas.grid_leader_a1, grid=grid)}
    assert loads == {m1.pk: 2, m2.pk: 1}
    assert personas.resident_a1.resident.household in grid_unassigned_households(user=personas.grid_leader_a1, grid=grid)


def test_only_party_members_on_duty_take_responsibility(tree, personas):
    grid, _members = staffed_grid(tree.A1g, 1)
    not_member = party_member(tree.A1g, "未在岗党员")
    with pytest.raises(ValidationError):
        actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk,
                                      household=make_household(tree.A1g), member=not_member)
    from governance.tests.fixtures import make_resident

    with pytest.raises(ValidationError):
        actions.grid_member_add(actor=personas.village_secretary_a1, grid_id=grid.pk, resident=make_resident(tree.A1g))


def test_a_visit_can_raise_an_issue_in_one_step(tree, personas):
    grid, (m1, _m2) = staffed_grid(tree.A1g)
    household = make_household(tree.A1g)
    visit = actions.visit_log(actor=personas.grid_leader_a1, household=household, member=m1, notes="老人反映屋顶漏雨",
                              raise_issue=True, category=category(), severity=Severity.HARD, issue_title="屋顶漏雨")
    assert visit.issue.title == "屋顶漏雨" and visit.issue.household == household and visit.grid == grid


def test_a_major_event_reaches_every_grid_and_the_board_shows_who_answered(tree, personas):
    event = actions.major_event_create(actor=personas.township_head_a, region=tree.A, title="防汛", description="巡查堤坝")
    tasks = {t.grid.region_id: t for t in event.tasks.select_related("grid")}
    assert set(tasks) == {tree.A1g.pk, tree.A2g.pk}
    actions.major_task_acknowledge(actor=personas.grid_leader_a1, task_id=tasks[tree.A1g.pk].pk, note="已到岗")
    with pytest.raises(Conflict):
        actions.major_task_acknowledge(actor=personas.grid_leader_a1, task_id=tasks[tree.A1g.pk].pk)
    from grids.selectors import major_event_tasks

    board = list(major_event_tasks(user=personas.township_head_a, event=event))
    assert [t.acknowledged_at is not None for t in board] == [True, False]
    with pytest.raises(ValidationError):
        actions.major_event_create(actor=personas.township_head_a, region=tree.B, title="x", description="y")


def test_only_the_county_sets_slas_and_new_arrivals_use_them(tree, personas):
    with pytest.raises(PermissionDenied):
        actions.sla_set(actor=personas.township_head_a, level=EscalationLevel.GRID, severity=Severity.MINOR, hours=1)
    actions.sla_set(actor=personas.county_admin, level=EscalationLevel.GRID, severity=Severity.MINOR, hours=2)
    issue = report(personas.resident_a1)
    assert 1.9 * 3600 < (issue.deadline - issue.created_at).total_seconds() < 2.1 * 3600
