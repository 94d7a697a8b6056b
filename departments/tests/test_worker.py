"""A real Celery worker runs the escalation job: a whistle's deadline passes, the job marks the department
that did not report once and tells the county and the township — run again, nothing more."""
import datetime as dt

import pytest
from django.utils import timezone

from departments.models import Department, DepartmentStaff, Whistle, WhistleCall
from governance.models import JobStatus, Notification, Region
from grids.models import EscalationLevel
from grids.tasks import escalate_overdue_issues
from grids.tests.factories import make_issue


@pytest.mark.worker
def test_a_real_worker_marks_a_missed_whistle_deadline_exactly_once(celery_worker_process, tree, personas):
    water = Department.objects.create(code="water-w", name="县水利局")
    DepartmentStaff.objects.create(department=water, user=personas.department_staff_b)
    issue = make_issue(tree.A1g, reporter=personas.grid_leader_a1, level=EscalationLevel.TOWNSHIP)
    whistle = Whistle.objects.create(issue=issue, township=Region.objects.get(pk=issue.township_id), request="山塘渗漏",
                                     ack_deadline=timezone.now() - dt.timedelta(minutes=5), blown_by=personas.township_head_a)
    call = WhistleCall.objects.create(whistle=whistle, department=water)

    def finished_runs():
        status = JobStatus.objects.filter(name="grids-escalate-overdue", last_finished_at__isnull=False).first()
        return status

    celery_worker_process.enqueue(escalate_overdue_issues)
    assert celery_worker_process.wait_for(lambda: finished_runs() is not None)
    call.refresh_from_db()
    assert call.state == "missed" and call.missed_at is not None
    first = finished_runs()
    assert first.last_result["whistle_calls_missed"] == 1
    assert Notification.objects.filter(user=personas.township_head_a, title__contains="报到时限").count() == 1

    celery_worker_process.enqueue(escalate_overdue_issues)
    assert celery_worker_process.wait_for(
        lambda: JobStatus.objects.filter(name="grids-escalate-overdue", last_finished_at__gt=first.last_finished_at).exists())
    assert JobStatus.objects.get(name="grids-escalate-overdue").last_result["whistle_calls_missed"] == 0
    assert Notification.objects.filter(user=personas.township_head_a, title__contains="报到时限").count() == 1
    call.refresh_from_db()
    assert call.missed_at is not None and call.state == "missed"
