"""Progress and liveness of scheduled jobs, shown to the county ("240,000 / 500,000")."""
from __future__ import annotations

from contextlib import contextmanager

from django.utils import timezone

from .models import JobStatus


class Progress:
    def __init__(self, name: str):
        self.name = name

    def set(self, done: int, total: int | None = None) -> None:
        fields = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        JobStatus.objects.filter(name=self.name).update(**fields)


@contextmanager
def job_run(name: str):
    """Mark a job started, yield a Progress, record finish and result. Writes are outside any
    caller transaction's rollback only if the caller commits; jobs call this at their top level."""
    now = timezone.now()
    JobStatus.objects.update_or_create(name=name, defaults={"last_started_at": now, "progress_done": 0})
    progress = Progress(name)
    result: dict = {}
    progress.result = result
    yield progress
    JobStatus.objects.filter(name=name).update(last_finished_at=timezone.now(), last_result=result)
