"""Scheduled jobs of 三村议事: thin Celery tasks over the actions' set-based work."""
from celery import shared_task

from governance.jobs import job_run

from .actions import topics_window_end_notify

JOB = "deliberation-window-ended"


def notify_ended_windows(now=None) -> int:
    """The village offices told of the topics whose online/remote window ended (deliberation.actions)."""
    return topics_window_end_notify(now=now)


@shared_task(name="deliberation.tasks.window_ended")
def window_ended() -> int:
    with job_run(JOB) as progress:
        n = notify_ended_windows()
        progress.set(n, n)
        progress.result["topics"] = n
    return n
