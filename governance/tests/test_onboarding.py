"""Bulk onboarding of cadres from Excel (issue #18): the residents' preview-and-validate import, one job for 3,200
grid leaders, residents linked rather than registered twice, one-time initial passwords downloaded once."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from governance import actions, tasks
from governance.models import AccountProfile, AuditEntry, ImportJob, Region, Resident, RoleAssignment
from governance.scoping import Role

from .fixtures import make_region, make_resident, valid_id_number

HEADER = ["姓名", "身份证号", "手机号", "角色", "区域统计代码"]


def workbook(rows) -> SimpleUploadedFile:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("cadres")
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("干部.xlsx", buf.getvalue())


def run(job):
    """What the worker does with the job (the tasks are thin: fetch by id, call the action)."""
    if job.status == ImportJob.Status.VALIDATING:
        tasks.import_validate(job.pk)
    job.refresh_from_db()
    return job


def test_3200_grid_leaders_preview_validate_and_create_in_one_job(tree, personas, django_capture_on_commit_callbacks):
    groups = [make_region(tree.A1, f"341122001001{n:03d}", f"第{n}组", Region.Kind.GROUP) for n in range(2, 42)]
    already = make_resident(groups[0], name="已登记居民", id_number=valid_id_number(9_000_001))
    rows = [[f"网格长{n}", valid_id_number(9_000_000 + n), f"139{n:08d}", "网格长", groups[n % 40].code]
            for n in range(1, 3201)]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = actions.import_upload(actor=personas.township_head_a, kind="cadres", upload=workbook(rows))
    job = run(job)
    assert job.status == ImportJob.Status.VALIDATED and job.rows_total == 3200 and job.rows_valid == 3200, job.errors
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = actions.import_confirm(actor=personas.township_head_a, job_id=job.pk, only_valid=False)
    assert job.status == ImportJob.Status.RUNNING and len(queued) == 1  # one Celery job
    tasks.import_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.rows_imported == 3200
    assert RoleAssignment.objects.filter(role=Role.GRID_LEADER, status="active", region__in=groups).count() == 3200
    assert AccountProfile.objects.filter(must_change_password=True, region__in=groups).count() == 3200
    already.refresh_from_db()
    assert already.user is not None and already.user.first_name == "网格长1"  # linked, not registered again
    assert Resident.objects.filter(name__startswith="网格长").count() == 0
    assert AuditEntry.objects.filter(action="role.grant", actor=personas.township_head_a).count() == 3200
    # the initial passwords: once, to the importer only
    from django.test import Client

    other = Client()
    other.force_login(personas.township_head_b)
    assert other.get(f"/imports/jobs/{job.pk}/credentials/").status_code == 404
    mine = Client()
    mine.force_login(personas.township_head_a)
    sheet = mine.get(f"/imports/jobs/{job.pk}/credentials/")
    assert sheet.status_code == 200 and sheet["Cache-Control"] == "no-store"
    values = list(load_workbook(io.BytesIO(sheet.content), read_only=True).active.iter_rows(values_only=True))
    assert len(values) == 3201
    username, _name, _role, _region, password = values[1]
    assert mine.get(f"/imports/jobs/{job.pk}/credentials/").status_code == 302  # gone
    first = Client()
    assert first.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    assert first.get("/")["Location"].endswith("/accounts/password/")  # must change it first


def test_every_bad_row_is_named_and_nothing_is_written(tree, personas):
    rows = [
        ["甲", valid_id_number(9_200_001), "13900000001", "网格长", tree.A1g.code],
        ["乙", "123", "13900000002", "网格长", tree.A1g.code],                       # bad ID
        ["丙", valid_id_number(9_200_003), "12", "网格长", tree.A1g.code],            # bad phone
        ["丁", valid_id_number(9_200_004), "13900000004", "乡镇（街道）主要负责人", tree.A.code],  # at own rank
        ["戊", valid_id_number(9_200_005), "13900000005", "网格长", tree.B1g.code],   # another township
        ["己", valid_id_number(9_200_001), "13900000006", "网格长", tree.A1g.code],   # duplicate in the file
        ["庚", valid_id_number(9_200_007), "13900000007", "厨师", tree.A1g.code],     # unknown role
    ]
    job = run(actions.import_upload(actor=personas.township_head_a, kind="cadres", upload=workbook(rows)))
    by_row = {e["row"]: e for e in job.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}, job.errors
    assert "同级或更高" in by_row[5]["message"] and "管辖范围" in by_row[6]["message"]
    with pytest.raises(Exception):
        actions.import_confirm(actor=personas.township_head_a, job_id=job.pk, only_valid=False)
    assert not AccountProfile.objects.filter(created_by=personas.township_head_a).exists()
