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


@shared_task(name="governance.tasks.audit_seal")
def audit_seal() -> dict:
    """Beat runs this every minute: chain the audit entries not sealed after their commit (set-based SQL
    writes them, or the process died first). Idempotent."""
    from . import audit_chain

    with job_run("audit-seal") as progress:
        progress.result["sealed"] = audit_chain.seal()
    return progress.result


@shared_task(name="governance.tasks.audit_purge")
def audit_purge() -> dict:
    """Beat runs this daily: delete audit entries past AUDIT_RETENTION_DAYS (never under 180), moving the
    chain's anchor so that the rest still verifies. Idempotent."""
    from . import audit_chain

    with job_run("audit-purge") as progress:
        progress.result.update(audit_chain.purge())
    return progress.result


@shared_task(name="governance.tasks.role_terms_close")
def role_terms_close() -> dict:
    """Beat runs this daily: terms past their end date are marked ended (scoping already ignores them)."""
    from .actions import role_terms_close as close

    with job_run("role-terms-close") as progress:
        progress.result["ended"] = close()
    return progress.result
