"""Celery tasks of the core: thin — fetch by id, call the action."""
from celery import shared_task

from .jobs import job_run


@shared_task(name="governance.tasks.heartbeat")
def heartbeat() -> str:
    """Beat runs this every minute; the county's home page shows when it last ran."""
    with job_run("heartbeat") as progress:
        progress.result["ok"] = True
    return "ok"


@shared_task(name="governance.tasks.export_run")
def export_run(job_id: int) -> None:
    from .actions import export_run_job

    export_run_job(job_id=job_id)


@shared_task(name="governance.tasks.import_validate")
def import_validate(job_id: int) -> None:
    from .actions import import_validate_job

    import_validate_job(job_id=job_id)


@shared_task(name="governance.tasks.sweep_jobs")
def sweep_jobs() -> dict:
    """Beat runs this every minute: fail exports/imports whose worker died (and remove their partial
    files), delete exports past their retention and imports never confirmed. Idempotent."""
    from . import jobs

    with job_run("jobs-sweep") as progress:
        progress.result.update(jobs.sweep())
    return progress.result


@shared_task(name="governance.tasks.import_run")
def import_run(job_id: int) -> None:
    from .actions import import_run_job

    import_run_job(job_id=job_id)


@shared_task(name="governance.tasks.refresh_dashboards")
def refresh_dashboards() -> dict:
    """Beat runs this every 15 minutes: the dashboards' summary tables (an upsert; safe to kill or repeat)."""
    from . import dashboard

    with job_run("dashboard-refresh") as progress:
        progress.result.update(dashboard.refresh(progress=progress))
    return progress.result
