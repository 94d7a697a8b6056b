"""The escalation sweep: set-based, exactly once per issue and level, idempotent, survives SIGKILL."""
import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centers.models import Center, WorkItem
from governance.models import JobStatus, Notification
from grids.actions import issues_escalate_overdue
from grids.models import EscalationLevel, Issue, IssueEvent, IssueStatus, Severity
from grids.tasks import escalate_overdue_issues

from .factories import make_issue


def overdue(hours=1):
    return timezone.now() - dt.timedelta(hours=hours)


def bulk_overdue(tree, reporter, n, *, level=EscalationLevel.GRID):
    """n overdue issues in one INSERT (the sweep tests need thousands)."""
    proto = make_issue(tree.A1g, reporter=reporter, level=level, deadline=overdue())
    rows = [Issue(title=f"积水{i}", description="路面积水", category=proto.category, severity=Severity.HARD,
                  region=proto.region, village=proto.village, township=proto.township, reporter=reporter,
                  level=level, status=IssueStatus.ACCEPTED, deadline=overdue(2)) for i in range(n - 1)]
    Issue.objects.bulk_create(rows, batch_size=2000)
    return Issue.objects.filter(region=proto.region)


def test_it_moves_every_overdue_issue_one_level_up_and_says_why(tree, personas, django_capture_on_commit_callbacks):
    grid_late = make_issue(tree.A1g, reporter=personas.resident_a1, deadline=overdue())
    village_late = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.VILLAGE, deadline=overdue())
    township_late = make_issue(tree.B1g, reporter=personas.grid_leader_b1, level=EscalationLevel.TOWNSHIP, deadline=overdue())
    on_time = make_issue(tree.A1g, reporter=personas.grid_leader_a1)
    resolved = make_issue(tree.A1g, reporter=personas.grid_leader_a1, status=IssueStatus.RESOLVED, deadline=overdue())
    at_county = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.COUNTY, deadline=overdue())

    with django_capture_on_commit_callbacks(execute=True):
        result = issues_escalate_overdue()

    assert result["moved"] == 3
    levels = dict(Issue.objects.values_list("pk", "level"))
    assert levels[grid_late.pk] == EscalationLevel.VILLAGE
    assert levels[village_late.pk] == EscalationLevel.TOWNSHIP
    assert levels[township_late.pk] == EscalationLevel.COUNTY
    assert levels[on_time.pk] == EscalationLevel.GRID and levels[resolved.pk] == EscalationLevel.GRID and levels[at_county.pk] == EscalationLevel.COUNTY
    grid_late.refresh_from_db()
    assert grid_late.deadline > timezone.now() + dt.timedelta(hours=71)  # village, minor: 72 h
    assert grid_late.status == IssueStatus.REPORTED  # waits for the village to accept
    event = IssueEvent.objects.get(issue=grid_late, kind="auto_escalated")
    assert "自动提级" in event.note and event.from_level == EscalationLevel.GRID and event.to_level == EscalationLevel.VILLAGE
    # The township arrival went into the center owning the category.
    village_late.refresh_from_db()
    item = WorkItem.objects.get(pk=village_late.work_item_id)
    assert item.center == Center.objects.get(township=tree.A, kind=village_late.category.center_kind)
    assert item.source_id == str(village_late.pk)
    # New handlers are told, the others are not.
    assert Notification.objects.filter(user=personas.village_secretary_a1, title__contains="自动提级").exists()
    assert Notification.objects.filter(user=personas.township_staff_a, title__contains="自动提级").exists()
    assert Notification.objects.filter(user=personas.county_admin, title__contains="自动提级").exists()
    assert not Notification.objects.filter(user=personas.village_secretary_b1).exists()


def test_it_moves_nothing_the_second_time(tree, personas):
    make_issue(tree.A1g, reporter=personas.grid_leader_a1, deadline=overdue())
    assert issues_escalate_overdue()["moved"] == 1
    assert issues_escalate_overdue()["moved"] == 0
    assert IssueEvent.objects.filter(kind="auto_escalated").count() == 1


def test_the_history_refuses_a_second_escalation_into_the_same_level(tree, personas):
    from django.db import IntegrityError, transaction

    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, deadline=overdue())
    issues_escalate_overdue()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueEvent.objects.create(issue=issue, kind="escalated", from_level=EscalationLevel.GRID, to_level=EscalationLevel.VILLAGE)


@pytest.mark.parametrize("n", [10, 120])
def test_its_query_count_does_not_grow_with_the_number_overdue(tree, personas, n):
    bulk_overdue(tree, personas.grid_leader_a1, n)
    with CaptureQueriesContext(connection) as ctx:
        result = issues_escalate_overdue(batch_size=500)
    assert result["moved"] == n
    # Claim, SLA table, categories, county, content types, one UPDATE, one INSERT each for history,
    # audit and notifications, role lookup, savepoints: the same at 10 and at 120.
    assert len(ctx.captured_queries) <= 16, [q["sql"][:80] for q in ctx.captured_queries]


def test_its_batches_bound_the_work_per_transaction(tree, personas):
    bulk_overdue(tree, personas.grid_leader_a1, 250)
    result = issues_escalate_overdue(batch_size=100)
    # (the sweep_extras hooks add their own counts beside these)
    assert {k: result[k] for k in ("moved", "batches", "overdue_at_start", "by_level")} == {
        "moved": 250, "batches": 3, "overdue_at_start": 250, "by_level": {"2": 250}}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_move_each_issue_exactly_once(tree, personas):
    bulk_overdue(tree, personas.grid_leader_a1, 400)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(issues_escalate_overdue(batch_size=25))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert sum(r["moved"] for r in results) == 400
    assert set(Issue.objects.values_list("level", flat=True)) == {EscalationLevel.VILLAGE}
    assert IssueEvent.objects.filter(kind="auto_escalated").count() == 400


@pytest.mark.worker
def test_a_real_worker_runs_the_escalation_job_end_to_end(celery_worker_process, tree, personas):
    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, deadline=overdue())
    celery_worker_process.enqueue(escalate_overdue_issues)
    assert celery_worker_process.wait_for(
        lambda: JobStatus.objects.filter(name="grids-escalate-overdue", last_finished_at__isnull=False).exists())
    issue.refresh_from_db()
    assert issue.level == EscalationLevel.VILLAGE
    assert JobStatus.objects.get(name="grids-escalate-overdue").last_result["moved"] == 1
    assert Notification.objects.filter(user=personas.village_secretary_a1, title__contains="自动提级").exists()


def _other_backends_gone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND state <> 'idle'")
        return cursor.fetchone()[0] == 0


@pytest.mark.worker
def test_a_sweep_killed_mid_run_and_run_again_moves_every_issue_exactly_once(celery_worker_process, tree, personas):
    total = 3000
    bulk_overdue(tree, personas.grid_leader_a1, total)
    celery_worker_process.enqueue(escalate_overdue_issues, batch_size=20)
    assert celery_worker_process.wait_for(
        lambda: IssueEvent.objects.filter(kind="auto_escalated").exists(), timeout=60, interval=0.02)
    celery_worker_process.stop(kill=True)
    moved_before = IssueEvent.objects.filter(kind="auto_escalated").count()
    assert 0 < moved_before < total, "the worker was not killed mid-sweep"
    # The killed worker's open transaction is rolled back by PostgreSQL when its socket closes.
    deadline = timezone.now() + dt.timedelta(seconds=20)
    while not _other_backends_gone() and timezone.now() < deadline:
        pass

    result = issues_escalate_overdue()

    assert result["moved"] == total - moved_before
    assert Issue.objects.filter(level=EscalationLevel.VILLAGE).count() == total
    assert not Issue.objects.exclude(level=EscalationLevel.VILLAGE).exists()
    per_issue = IssueEvent.objects.filter(kind="auto_escalated").values("issue").distinct().count()
    assert per_issue == total == IssueEvent.objects.filter(kind="auto_escalated").count()


@pytest.mark.parametrize("n, batches", [(20, 2), (60, 6)])
def test_each_batch_is_a_fixed_handful_of_statements(tree, personas, n, batches):
    """On PostgreSQL one statement claims a batch, moves it and writes its history and audit; centers' one
    opener then opens the township arrivals' work items (one INSERT), links them (one UPDATE) and audits
    them (audit_record_many: one INSERT); then the role lookup for the notifications and the savepoint pair:
    7 per batch, plus 7 per sweep (SLA, county, count, the centers of the batch's township — once, the
    opener keeps them for the sweep —, the last empty claim in its savepoint pair; the content types are
    cached). Before the opener was shared, the one statement also wrote the work items and their audit
    (4 per batch): the three statements more are the price of one rule for every path into a center."""
    from django.contrib.contenttypes.models import ContentType

    from centers.models import WorkItem

    bulk_overdue(tree, personas.grid_leader_a1, n, level=EscalationLevel.VILLAGE)  # each arrives at the township
    ContentType.objects.get_for_models(Issue, WorkItem)  # cached for the process's life in production
    with CaptureQueriesContext(connection) as ctx:
        result = issues_escalate_overdue(batch_size=10)
    assert (result["moved"], result["batches"]) == (n, batches)
    # + 1 per sweep: the sweep_extras hook of departments (overdue 督办, unanswered 吹哨) is one statement
    assert len(ctx.captured_queries) == 7 * batches + 8, [q["sql"][:60] for q in ctx.captured_queries]
    assert IssueEvent.objects.filter(kind="auto_escalated").count() == n
    assert Issue.objects.filter(level=EscalationLevel.TOWNSHIP, work_item__isnull=False).count() == n
    # Each arrival has its own work item in the center owning its category, due when the issue is, audited.
    from governance.models import AuditEntry

    issues = list(Issue.objects.select_related("work_item__center", "category"))
    assert len({i.work_item_id for i in issues}) == n == WorkItem.objects.count()
    for issue in issues:
        item = issue.work_item
        assert (item.source_id, item.source_type.model, item.township_id) == (str(issue.pk), "issue", issue.township_id)
        assert (item.center.kind, item.deadline, item.status) == (issue.category.center_kind, issue.deadline, "open")
        assert item.title == issue.title and item.category_id == issue.category_id
    audited = set(AuditEntry.objects.filter(action="work_item.create").values_list("object_id", flat=True))
    assert audited == {str(i.work_item_id) for i in issues}


# --- One rule for every path into a township's center (centers.workitems.open_work_items) ----------------

def _arrive_both_ways(tree, personas, cat):
    """Two issues of `cat` at the village: one overdue (the sweep takes it up), one the village escalates."""
    from grids import actions

    swept = make_issue(tree.A1g, reporter=personas.resident_a1, level=EscalationLevel.VILLAGE, deadline=overdue(),
                       cat=cat, title="超时到乡镇")
    by_hand = make_issue(tree.A1g, reporter=personas.resident_a1, level=EscalationLevel.VILLAGE, cat=cat,
                         title="提级到乡镇")
    issues_escalate_overdue()
    actions.issue_escalate(actor=personas.village_secretary_a1, issue_id=by_hand.pk, reason="超出村级能力")
    swept.refresh_from_db(), by_hand.refresh_from_db()
    assert swept.level == by_hand.level == EscalationLevel.TOWNSHIP
    return swept, by_hand


def test_a_deactivated_category_still_reaches_its_center_by_the_sweep_and_by_hand_alike(tree, personas):
    """The county stopped the category for new reports; the work in hand still goes to the center that owns
    it, whichever way it arrives (before, the sweep skipped it silently and the handler was refused)."""
    from centers.models import WorkCategory
    from governance.models import AuditEntry

    from .factories import category

    cat = category("social_affairs")
    WorkCategory.objects.filter(pk=cat.pk).update(active=False)
    swept, by_hand = _arrive_both_ways(tree, personas, cat)
    center = Center.objects.get(township=tree.A, kind="social_affairs")
    for issue in (swept, by_hand):
        item = WorkItem.objects.get(pk=issue.work_item_id)
        assert (item.center, item.category_id, item.source_id, item.deadline) == (center, cat.pk, str(issue.pk), issue.deadline)
        assert AuditEntry.objects.filter(action="work_item.create", object_id=str(item.pk), region=tree.A).exists()
    assert WorkItem.objects.get(pk=by_hand.work_item_id).created_by == personas.village_secretary_a1


def test_a_township_without_the_center_gets_the_issue_in_its_queue_by_the_sweep_and_by_hand_alike(tree, personas):
    from .factories import category

    from centers.models import PartyOrganization, StaffAssignment

    cat = category("law_based_governance")
    gone = Center.objects.filter(township=tree.A, kind="law_based_governance")  # a township still setting up
    PartyOrganization.objects.filter(center__in=gone).update(center=None)
    StaffAssignment.objects.filter(center__in=gone).delete()
    gone.delete()
    swept, by_hand = _arrive_both_ways(tree, personas, cat)
    assert swept.work_item_id is None and by_hand.work_item_id is None
    assert not WorkItem.objects.exists()
    assert swept.status == by_hand.status == IssueStatus.REPORTED  # waiting for the township to accept


def test_the_postgresql_statement_writes_what_the_orm_path_writes(tree, personas, monkeypatch):
    """The same overdue issues swept by the one PostgreSQL statement and by the ORM path (SQLite's, run
    here on PostgreSQL) leave the same history, audit and work items behind."""
    from django.db import transaction

    from governance.models import AuditEntry
    from grids import actions

    def sweep_and_read():
        with transaction.atomic():
            make_issue(tree.A1g, reporter=personas.resident_a1, deadline=overdue(), title="网格超时")
            make_issue(tree.A1g, reporter=personas.resident_a1, level=EscalationLevel.VILLAGE, deadline=overdue(3),
                       title="村级超时", severity=Severity.HARD)
            make_issue(tree.B1g, reporter=personas.resident_b1, level=EscalationLevel.TOWNSHIP, deadline=overdue(2),
                       title="乡镇超时", severity=Severity.MAJOR)
            result = issues_escalate_overdue()
            titles = dict(Issue.objects.values_list("pk", "title"))
            seen = {
                "result": result,
                "issues": sorted(Issue.objects.values_list("title", "level", "status", "version")),
                "history": sorted((titles[e.issue_id], e.kind, e.from_status, e.to_status, e.from_level, e.to_level, e.note)
                                  for e in IssueEvent.objects.filter(kind="auto_escalated")),
                "audit": sorted((titles[int(a.object_id)], a.action, a.object_repr.split(" ", 1)[1], a.region_id,
                                 a.from_state, a.to_state, a.reason, a.data, a.actor_id)
                                for a in AuditEntry.objects.filter(action="issue.auto_escalated")),
                "items": sorted((titles[int(w.source_id)], w.center_id, w.category_id, w.title, w.description,
                                 w.deadline - Issue.objects.get(pk=int(w.source_id)).deadline)
                                for w in WorkItem.objects.all()),
                "linked": sorted(titles[i] for i in Issue.objects.filter(work_item__isnull=False).values_list("pk", flat=True)),
            }
            transaction.set_rollback(True)
        return seen

    by_sql = sweep_and_read()
    monkeypatch.setattr(actions, "_escalate_batch_sql", actions._escalate_batch_orm)
    by_orm = sweep_and_read()
    assert by_sql == by_orm
    assert by_sql["linked"] == ["村级超时"] and len(by_sql["audit"]) == 3
