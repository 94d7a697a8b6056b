"""Scheduled jobs of centers/: thin — call the action inside job_run for the county's job table."""
from celery import shared_task

from governance.jobs import job_run

from .actions import reserves_check


@shared_task(name="centers.tasks.check_reserves")
def check_reserves() -> dict:
    """Every village keeps ≥3 reserve cadres and activists; keep the shortfall list and tell the secretaries."""
    with job_run("centers.check_reserves") as progress:
        return reserves_check(progress=progress)
