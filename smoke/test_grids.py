"""Grids on SQLite: a villager reports an issue, and the escalation sweep (its ORM path: SQLite has no
FOR UPDATE SKIP LOCKED CTE) moves overdue issues one level up, opening the township's work item, exactly once."""
import datetime as dt

from django.utils import timezone

from centers.models import Center, WorkCategory, WorkItem
from governance.models import Notification
from grids.models import Issue, IssueEvent
from grids.tasks import escalate_overdue_issues

from .helpers import page


def test_a_villager_reports_an_issue_and_sees_it_on_their_list(login):
    client = login("resident")
    category = WorkCategory.objects.filter(active=True).order_by("pk").first()
    resp = client.post("/grids/issues/report/", {
        "category": category.pk, "severity": "minor", "title": "冒烟：村口路灯不亮", "description": "夜里看不见路"})
    assert resp.status_code == 302
    issue = Issue.objects.get(title="冒烟：村口路灯不亮")
    assert issue.reporter.username == "resident" and issue.deadline > timezone.now()
    assert "冒烟：村口路灯不亮" in page(client.get("/grids/issues/"))
    assert client.get(f"/grids/issues/{issue.pk}/").status_code == 200


def test_the_sweep_moves_each_overdue_issue_up_once_and_opens_the_township_work_item(
        login, django_capture_on_commit_callbacks):
    late = timezone.now() - dt.timedelta(hours=1)
    grid_issue = Issue.objects.filter(level=1, status__in=["reported", "accepted"]).order_by("pk").first()
    village_issue = Issue.objects.filter(level=2, status__in=["reported", "accepted"],
                                         category__active=True).order_by("pk").first()
    Issue.objects.filter(pk__in=[grid_issue.pk, village_issue.pk]).update(deadline=late)
    overdue = Issue.objects.filter(status__in=["reported", "accepted", "in_progress", "reopened"], level__lt=4,
                                   deadline__lt=timezone.now()).count()
    items_before = WorkItem.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = escalate_overdue_issues()

    assert result["moved"] == overdue >= 2
    grid_issue.refresh_from_db(), village_issue.refresh_from_db()
    assert (grid_issue.level, grid_issue.status) == (2, "reported") and grid_issue.deadline > timezone.now()
    event = IssueEvent.objects.get(issue=grid_issue, kind="auto_escalated")
    assert "自动提级" in event.note and (event.from_level, event.to_level) == (1, 2)
    # Arriving at the township opened a work item in the center that owns the category.
    assert village_issue.level == 3 and village_issue.work_item_id is not None
    item = WorkItem.objects.get(pk=village_issue.work_item_id)
    assert item.center == Center.objects.get(township_id=village_issue.township_id,
                                             kind=village_issue.category.center_kind)
    assert WorkItem.objects.count() > items_before
    # The village's office is told, and the issue's page shows why it moved.
    assert Notification.objects.filter(title__contains="自动提级").exists()
    reporter = grid_issue.reporter.username
    assert "自动提级" in page(login(reporter).get(f"/grids/issues/{grid_issue.pk}/"))

    assert escalate_overdue_issues()["moved"] == 0  # a second run moves nothing
    assert IssueEvent.objects.filter(issue=grid_issue, kind="auto_escalated").count() == 1
