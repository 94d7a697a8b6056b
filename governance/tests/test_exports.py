"""Excel exports hold exactly what the list shows the user, masked."""
import io

import pytest
from openpyxl import load_workbook

from governance.models import ExportJob
from governance.tasks import export_run

from .fixtures import make_household, make_resident, valid_id_number


def rows_of(response):
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_a_township_export_holds_only_its_township_with_masked_numbers(tree, personas, web):
    number = valid_id_number()
    make_resident(tree.A1g, name="甲镇人", id_number=number)
    make_resident(tree.B1g, name="乙街道人")
    resp = web(personas.township_staff_a).get("/exports/residents/")
    assert resp.status_code == 200 and resp["Content-Disposition"].startswith("attachment")
    rows = rows_of(resp)
    assert rows[0][:3] == ["姓名", "身份证号", "性别"]
    names = [r[0] for r in rows[1:]]
    assert "甲镇人" in names and "乙街道人" not in names
    flat = " ".join(str(c) for r in rows for c in r)
    assert number not in flat and number[:4] + "*" * 10 + number[-4:] in flat
    assert "138****8000" in flat and "13800138000" not in flat


def test_an_export_follows_the_list_filters(tree, personas, web):
    make_resident(tree.A1g, name="党员甲", is_party_member=True)
    make_resident(tree.A1g, name="群众乙")
    rows = rows_of(web(personas.township_staff_a).get("/exports/residents/", {"is_party_member": "true"}))
    assert [r[0] for r in rows[1:]] == ["党员甲"]


def test_a_large_export_runs_as_a_job_in_a_real_worker(tree, personas, web, celery_worker_process, settings, monkeypatch):
    from governance import exports

    monkeypatch.setattr(exports, "SYNC_LIMIT", 5)
    household = make_household(tree.A1g)
    for _ in range(12):
        make_resident(tree.A1g, household=household)
    monkeypatch.setattr("governance.tasks.export_run.delay", lambda job_id: celery_worker_process.enqueue(export_run, job_id))
    client = web(personas.township_staff_a)
    resp = client.get("/exports/residents/")
    assert resp.status_code == 302
    job = ExportJob.objects.get(user=personas.township_staff_a)
    assert celery_worker_process.wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done")
    download = client.get(f"/exports/jobs/{job.pk}/download/")
    assert len(rows_of(download)) == 1 + 13  # header + 12 + the fixture's own 甲村民
    assert web(personas.township_staff_b).get(f"/exports/jobs/{job.pk}/download/").status_code == 404


def test_an_unknown_export_is_not_found(personas, web):
    assert web(personas.county_admin).get("/exports/nothing/").status_code == 404
