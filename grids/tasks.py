"""Celery tasks of grids/: thin — run the action, record progress."""
from celery import shared_task

from governance.jobs import job_run

JOB_NAME = "grids-escalate-overdue"


@shared_task(name="grids.tasks.escalate_overdue_issues")
def escalate_overdue_issues(batch_size: int | None = None) -> dict:
    """Beat runs this every five minutes; killed mid-run and run again it moves no issue twice."""
    from .actions import SWEEP_BATCH, issues_escalate_overdue

    with job_run(JOB_NAME) as progress:
        result = issues_escalate_overdue(progress=progress, batch_size=batch_size or SWEEP_BATCH)
        progress.result.update(result)
    return result
