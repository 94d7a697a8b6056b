"""Background jobs that never hang: a broker that is down fails the job with a message and a retry
button; a worker killed mid-export is noticed by the sweeper, which fails the job and removes its
half-written files. Real Redis, a real broker URL on a closed port, a real worker killed with SIGKILL."""
import os

import pytest

from governance import exports, jobs
from governance.models import AuditEntry, ExportJob, ImportJob, Resident
from governance.tasks import export_run, import_run, sweep_jobs

from .fixtures import make_household, make_resident
from .test_imports import row, upload


@pytest.fixture
def broker(monkeypatch):
    """broker.down() points the Celery app at a closed port (as if Redis were stopped); broker.up()
    restores the real one. The app reads CELERY_BROKER_URL from the environment before its settings."""
    from governance.celery import app

    real = os.environ.get("CELERY_BROKER_URL")

    def reset():
        app._pool = None
        app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)

    class Broker:
        def down(self):
            monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
            reset()

        def up(self):
            if real is None:
                monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
            else:
                monkeypatch.setenv("CELERY_BROKER_URL", real)
            reset()

    b = Broker()
    yield b
    b.up()


def test_an_export_with_the_broker_down_fails_with_a_message_and_is_retried_once_it_is_back(
        tree, personas, web, broker, celery_worker_process, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 0)
    client = web(personas.township_staff_a)
    broker.down()
    resp = client.get("/exports/residents/")
    assert resp.status_code == 302  # not a 500
    job = ExportJob.objects.get()
    assert job.status == "failed" and job.error == str(jobs.BROKER_DOWN)  # not 'pending' forever
    page = client.get(job.get_absolute_url()).content.decode()
    assert "后台任务服务暂时不可用，请稍后重试。" in page and 'id="export-retry"' in page

    broker.up()
    monkeypatch.setattr(export_run, "delay", lambda job_id: celery_worker_process.enqueue(export_run, job_id))
    client.post(f"/exports/jobs/{job.pk}/retry/")
    assert celery_worker_process.wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done")
    assert AuditEntry.objects.get(action="export.retry").region == tree.A
    assert client.get(f"/exports/jobs/{job.pk}/download/").status_code == 200


def test_an_import_confirmed_with_the_broker_down_can_be_imported_once_it_is_back(
        tree, personas, web, broker, celery_worker_process, monkeypatch):
    from governance import actions

    monkeypatch.setattr(actions, "IMPORT_SYNC_LIMIT", 2)  # so that 5 rows go to the worker
    client = web(personas.township_staff_a)
    upload(client, [row(tree.A1g, name=f"断网{i}", household="H-DOWN") for i in range(5)])
    job = ImportJob.objects.get()
    broker.down()
    resp = client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert resp.status_code == 302
    job.refresh_from_db()
    assert job.status == "failed" and job.error == str(jobs.BROKER_DOWN) and job.file  # kept for the retry
    page = client.get(job.get_absolute_url()).content.decode()
    assert "后台任务服务暂时不可用" in page and 'id="import-retry"' in page

    broker.up()
    monkeypatch.setattr(import_run, "delay", lambda job_id: celery_worker_process.enqueue(import_run, job_id))
    client.post(f"/imports/jobs/{job.pk}/retry/")
    assert celery_worker_process.wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done")
    assert Resident.objects.filter(name__startswith="断网").count() == 5
    job.refresh_from_db()
    assert job.file == "" and AuditEntry.objects.filter(action="import.retry").exists()


@pytest.fixture
def slow_exports(monkeypatch):
    """The worker started after this writes each export row slowly (test-only), so it can be killed mid-run."""
    monkeypatch.setenv("EXPORT_TEST_ROW_DELAY", "0.05")


def test_a_worker_killed_mid_export_is_swept_failed_and_leaves_no_partial_file(
        tree, personas, web, slow_exports, celery_worker_process, monkeypatch, settings):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 5)
    household = make_household(tree.A1g)
    for _ in range(200):  # 10 s at the slowed pace
        make_resident(tree.A1g, household=household)
    monkeypatch.setattr(export_run, "delay", lambda job_id: celery_worker_process.enqueue(export_run, job_id))
    web(personas.township_staff_a).get("/exports/residents/")
    job = ExportJob.objects.get()
    assert celery_worker_process.wait_for(lambda: ExportJob.objects.get(pk=job.pk).rows_done > 0)
    partial = exports.partial_paths(exports.job_xlsx(job.pk))
    assert any(p.exists() for p in partial)  # half-written, as a real kill leaves it
    celery_worker_process.stop(kill=True)

    sweep_jobs()
    assert ExportJob.objects.get(pk=job.pk).status == "running"  # a fresh heartbeat: not yet given up
    settings.JOB_STALE_SECONDS = 0  # time moves on past the threshold
    result = sweep_jobs()
    job.refresh_from_db()
    assert result["exports_failed"] == 1 and job.status == "failed" and job.error == str(jobs.WORKER_LOST)
    assert not any(p.exists() for p in partial) and not exports.job_xlsx(job.pk).exists()
    assert sweep_jobs()["exports_failed"] == 0  # idempotent

    from governance.actions import export_run_job

    export_run_job(job_id=job.pk)  # the broker redelivers the killed task an hour later: nothing happens
    assert ExportJob.objects.get(pk=job.pk).status == "failed"


def test_the_sweeper_is_a_beat_job_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-sweep"]
    assert entry["task"] == "governance.tasks.sweep_jobs" and entry["schedule"] == 60.0
