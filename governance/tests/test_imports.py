"""Importing residents from the template: all or nothing, every error by row and column."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from governance.imports import RESIDENT_COLUMNS
from governance.models import Household, ImportJob, Resident

from .fixtures import make_household, valid_id_number


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([str(h) for h, _k, _r in RESIDENT_COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("居民.xlsx", buf.getvalue())


def row(tree_region, number=None, name="新居民", household="H-IMP-1", **kw):
    return [household, "幸福路1号", tree_region.code, name, number or valid_id_number(), kw.get("phone", ""),
            kw.get("relation", "户主"), kw.get("status", "在村"), kw.get("away", ""), kw.get("party", "否")]


def upload(client, rows):
    return client.post("/imports/residents/", {"file": xlsx(rows)})


def test_a_valid_file_imports_its_households_and_residents(tree, personas, web):
    client = web(personas.township_staff_a)
    resp = upload(client, [row(tree.A1g, name="甲"), row(tree.A1g, name="乙", relation="配偶"),
                           row(tree.A2g, name="丙", household="H-IMP-2", status="外出", away="浙江省杭州市", party="是")])
    job = ImportJob.objects.get()
    assert resp["Location"] == f"/imports/jobs/{job.pk}/" and job.rows_valid == 3 and not job.errors
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "done" and job.rows_imported == 3
    h1 = Household.objects.get(number="H-IMP-1")
    assert h1.members.count() == 2 and h1.head.name == "甲"
    bing = Resident.objects.get(name="丙")
    assert bing.status == "away" and bing.is_party_member and bing.region == tree.A2g


def test_one_bad_row_writes_nothing_and_says_which_row_and_column(tree, personas, web):
    client = web(personas.township_staff_a)
    good = valid_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    upload(client, [row(tree.A1g, name="好"), row(tree.A1g, number=bad, name="坏")])
    job = ImportJob.objects.get()
    assert job.errors == [{"row": 3, "column": "身份证号", "message": job.errors[0]["message"]}]
    assert "校验位错误" in job.errors[0]["message"]
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "校验位错误" in page and "仅导入 1 行有效数据" in page
    client.post(f"/imports/jobs/{job.pk}/confirm/")  # "all" is refused while errors remain
    assert not Resident.objects.filter(name__in=["好", "坏"]).exists()
    client.post(f"/imports/jobs/{job.pk}/confirm/", {"only_valid": "1"})
    assert Resident.objects.filter(name="好").exists() and not Resident.objects.filter(name="坏").exists()


def test_duplicates_within_the_file_and_against_the_database_are_errors(tree, personas, web):
    from .fixtures import make_resident

    taken = valid_id_number()
    make_resident(tree.A1g, id_number=taken)
    twice = valid_id_number()
    upload(web(personas.township_staff_a), [row(tree.A1g, number=taken), row(tree.A1g, number=twice),
                                            row(tree.A1g, number=twice)])
    messages = [e["message"] for e in ImportJob.objects.get().errors]
    assert any("已登记" in m for m in messages) and any("与第 3 行身份证号重复" in m for m in messages)


def test_a_region_outside_the_users_scope_is_refused(tree, personas, web):
    upload(web(personas.township_staff_a), [row(tree.B1g)])
    assert "不在您的管辖范围内" in ImportJob.objects.get().errors[0]["message"]


def test_an_existing_household_number_must_stay_in_its_region(tree, personas, web):
    make_household(tree.A2g, number="H-OLD")
    upload(web(personas.township_staff_a), [row(tree.A1g, household="H-OLD")])
    assert "已登记在" in ImportJob.objects.get().errors[0]["message"]


def test_a_job_is_imported_once_even_if_confirmed_twice(tree, personas, web):
    client = web(personas.township_staff_a)
    upload(client, [row(tree.A1g, name="只一次")])
    job = ImportJob.objects.get()
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    resp = client.post(f"/imports/jobs/{job.pk}/confirm/", follow=True)
    assert "已经导入" in resp.content.decode()
    assert Resident.objects.filter(name="只一次").count() == 1


def test_the_template_downloads_with_chinese_headers(personas, web):
    from openpyxl import load_workbook

    resp = web(personas.township_staff_a).get("/imports/residents/template/")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    assert [c.value for c in ws[1]][:5] == ["户号", "住址", "所属区域统计代码", "姓名", "身份证号"]


def test_a_large_import_runs_in_a_real_worker(tree, personas, web, celery_worker_process, monkeypatch):
    from governance import actions
    from governance.tasks import import_run

    monkeypatch.setattr(actions, "IMPORT_SYNC_LIMIT", 2)  # so that 9 rows go to the worker
    monkeypatch.setattr("governance.tasks.import_run.delay", lambda job_id: celery_worker_process.enqueue(import_run, job_id))
    client = web(personas.township_staff_a)
    upload(client, [row(tree.A1g, name=f"批量{i}", household=f"H-BULK-{i // 3}") for i in range(9)])
    job = ImportJob.objects.get()
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert celery_worker_process.wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done")
    assert Resident.objects.filter(name__startswith="批量").count() == 9
    assert Household.objects.filter(number__startswith="H-BULK-").count() == 3


def test_an_unknown_import_is_not_found(personas, web):
    assert web(personas.township_staff_a).get("/imports/nothing/").status_code == 404


def test_a_grid_leader_may_not_import_residents(personas, web):
    assert web(personas.grid_leader_a1).get("/imports/residents/").status_code == 403
