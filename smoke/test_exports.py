"""Exports on SQLite: a small list downloads at once; a large one (sized by the row count, SQLite having no
planner estimate) becomes a job whose message goes through kombu's filesystem broker, as under `make run`, and
the worker's task writes the file the user then downloads."""
import io

from django.conf import settings
from openpyxl import load_workbook

from governance import exports
from governance.celery import app
from governance.models import ExportJob, Resident, RoleAssignment


def rows_of(resp) -> list[tuple]:
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True).active.values)


def test_a_small_export_downloads_at_once_with_chinese_headers_and_masked_numbers(login):
    village = RoleAssignment.objects.get(user__username="village_secretary").region
    rows = rows_of(login("village_secretary").get("/exports/residents/"))
    header, body = rows[0], rows[1:]
    assert "姓名" in header and "身份证号" in header
    assert len(body) == Resident.objects.filter(region__path__startswith=village.path).count()
    ids = [row[header.index("身份证号")] for row in body]
    assert ids and all("**********" in i for i in ids)


def test_a_large_export_runs_as_a_job_through_the_filesystem_broker(login, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 100)  # the county's 1,700 residents: a job
    client = login("county_admin")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.get("/exports/residents/")
    job = ExportJob.objects.get(user__username="county_admin", key="residents")
    assert resp.status_code == 302 and resp["Location"] == job.get_absolute_url()
    assert job.status == ExportJob.Status.PENDING  # the broker took the message (else: failed, with a message)

    # The worker's side: the message waiting in the filesystem broker names the task and this job.
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue(settings.CELERY_TASK_DEFAULT_QUEUE)
        mine = None
        while mine is None:
            message = queue.get(block=False)  # raises Empty if the message never arrived
            message.ack()
            if message.headers["task"] == "governance.tasks.export_run" and message.payload[0] == [job.pk]:
                mine = message
        queue.close()
    app.tasks[mine.headers["task"]](*mine.payload[0])

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_done == Resident.objects.count()
    assert "下载" in client.get(job.get_absolute_url()).content.decode()
    rows = rows_of(client.get(f"/exports/jobs/{job.pk}/download/"))
    assert len(rows) - 1 == Resident.objects.count()
    assert login("village_secretary").get(f"/exports/jobs/{job.pk}/download/").status_code == 404
