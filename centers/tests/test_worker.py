"""The reserve check as beat runs it: a real Celery worker process against this test's database."""
import pytest

from centers.models import ReserveShortfall
from governance.models import JobStatus, Notification

from . import factories as f


@pytest.mark.worker
def test_the_worker_flags_villages_below_three_reserves_and_tells_their_secretary(celery_worker_process, tree, personas):
    from centers.tasks import check_reserves

    f.reserves(tree.A1, 3)
    f.reserves(tree.A2, 2)
    celery_worker_process.enqueue(check_reserves)
    assert celery_worker_process.wait_for(
        lambda: JobStatus.objects.filter(name="centers.check_reserves", last_finished_at__isnull=False).exists())
    assert set(ReserveShortfall.objects.values_list("village__name", flat=True)) == {"甲二村", "乙一社区"}
    assert Notification.objects.filter(user=personas.village_secretary_b1, title__contains="不足3人").count() == 1
    assert JobStatus.objects.get(name="centers.check_reserves").last_result["short"] == 2


def test_the_beat_schedule_runs_the_reserve_check():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["centers-check-reserves"]["task"] == "centers.tasks.check_reserves"
