"""The nightly job in a real Celery worker, and its place in beat's schedule."""
import pytest
from django.conf import settings

from credit.models import ResidentCredit, Review
from credit.recompute import JOB_NAME
from credit.tasks import recompute_grades
from governance.models import JobStatus, Resident

from .factories import bulk_residents, make_record


def test_beat_runs_the_recompute_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["credit-recompute"]
    assert entry["task"] == recompute_grades.name
    assert entry["schedule"].hour == {2}


@pytest.mark.worker
def test_a_real_worker_recomputes_the_county_and_reports_progress(celery_worker_process, tree, personas):
    residents = bulk_residents(tree.A1g, 120)
    for res in residents[:10]:
        make_record(res, code="law", sign=-1, points=-10)
    celery_worker_process.enqueue(recompute_grades)
    assert celery_worker_process.wait_for(
        lambda: JobStatus.objects.filter(name=JOB_NAME, last_finished_at__isnull=False).exists(), timeout=60)
    status = JobStatus.objects.get(name=JOB_NAME)
    total = Resident.objects.count()
    assert (status.progress_done, status.progress_total) == (total, total)
    assert ResidentCredit.objects.filter(grade="B").count() == 10
    assert Review.objects.filter(status="draft").count() == total
