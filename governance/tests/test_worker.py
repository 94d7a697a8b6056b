import pytest

from governance.models import JobStatus
from governance.tasks import heartbeat


@pytest.mark.worker
def test_it_runs_the_heartbeat_job_in_a_real_worker(celery_worker_process):
    celery_worker_process.enqueue(heartbeat)
    assert celery_worker_process.wait_for(
        lambda: JobStatus.objects.filter(name="heartbeat", last_finished_at__isnull=False).exists()
    ), "the worker never ran the heartbeat"
    assert JobStatus.objects.get(name="heartbeat").last_result == {"ok": True}
