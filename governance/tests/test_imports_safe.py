"""Imports that a hostile file cannot use to take the server down, and whose stored files protect the
ID numbers they hold. Each test performs the attack and shows it refused with a Chinese message,
nothing parsed that should not be, nothing stored, nothing written."""
import io
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from governance import actions, imports
from governance.imports import RESIDENT_COLUMNS
from governance.models import AuditEntry, ImportJob, Resident
from governance.tasks import sweep_jobs

from .fixtures import valid_id_number
from .test_imports import row, xlsx

SHEET = "xl/worksheets/sheet1.xml"
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def template_zip() -> dict[str, bytes]:
    """The members of a real template workbook (header row only)."""
    wb = Workbook()
    wb.active.append([str(h) for h, _k, _r in RESIDENT_COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def hostile_xlsx(write_sheet) -> bytes:
    """A workbook whose first sheet is streamed by `write_sheet(fh)`: the bomb never exists in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in template_zip().items():
            if name != SHEET:
                zf.writestr(name, data)
        with zf.open(SHEET, "w", force_zip64=True) as fh:
            write_sheet(fh)
    return buf.getvalue()


def header_row() -> str:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                    for i, (h, _k, _r) in enumerate(RESIDENT_COLUMNS))
    return f'<row r="1">{cells}</row>'


def post(client, content: bytes, name="居民.xlsx"):
    return client.post("/imports/residents/", {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def parses(monkeypatch):
    """Records every time a workbook is handed to the parser (the bounded child)."""
    calls = []
    real = imports._in_child

    def spy(fn, *args):
        calls.append(fn.__name__)
        return real(fn, *args)

    monkeypatch.setattr(imports, "_in_child", spy)
    return calls


def stored_files() -> list[Path]:
    return list(imports.import_dir().iterdir())


@pytest.fixture(autouse=True)
def _empty_import_dir():
    for p in imports.import_dir().iterdir():
        p.unlink()
    yield


def test_a_zip_bomb_cell_is_refused_before_anything_parses_it(tree, personas, web, parses):
    def one_huge_cell(fh):
        fh.write((HEAD + '<sheetData>' + header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode())
        block = b"A" * (1024 * 1024)
        for _ in range(300):  # 300 MB once inflated
            fh.write(block)
        fh.write(b"</t></is></c></row></sheetData></worksheet>")

    content = hostile_xlsx(one_huge_cell)
    assert len(content) < 2 * 1024 * 1024  # what the attacker uploads
    resp = post(web(personas.township_staff_a), content)
    assert resp.status_code == 200 and "文件解压后过大" in resp.content.decode()
    assert parses == []  # refused from the zip's directory: not one byte of the cell was inflated
    assert not ImportJob.objects.exists() and stored_files() == []


def test_a_million_rows_declared_in_the_dimension_are_refused_before_parsing(tree, personas, web, parses):
    def declared(fh):
        fh.write((HEAD + '<dimension ref="A1:J1000001"/><sheetData>' + header_row()).encode())
        fh.write(b"".join(b'<row r="%d"/>' % i for i in range(2, 1_000_002)))
        fh.write(b"</sheetData></worksheet>")

    resp = post(web(personas.township_staff_a), hostile_xlsx(declared))
    assert "一次最多导入 200000 行（含空行）" in resp.content.decode()
    assert parses == [] and not ImportJob.objects.exists() and stored_files() == []


def test_a_single_row_numbered_a_million_counts_as_a_million_rows(tree, personas, web, parses):
    """openpyxl would fill the gap with 999,998 empty rows, 12 s of CPU; the rows are counted first."""

    def far_row(fh):
        fh.write((HEAD + '<sheetData>' + header_row() + '<row r="1000000"><c r="A1000000" t="inlineStr">'
                  '<is><t>x</t></is></c></row></sheetData></worksheet>').encode())

    resp = post(web(personas.township_staff_a), hostile_xlsx(far_row))
    assert "一次最多导入 200000 行（含空行）" in resp.content.decode()
    assert parses == ["_read_rows_unbounded"]  # only the bounded child looked, and it stopped at the count
    assert not ImportJob.objects.exists() and stored_files() == []


def test_a_million_empty_rows_under_a_lying_dimension_fail_the_job_in_the_worker(tree, personas, web, monkeypatch):
    monkeypatch.setattr("governance.tasks.import_validate.delay", lambda job_id: None)

    def lying(fh):
        fh.write((HEAD + '<dimension ref="A1:J2"/><sheetData>' + header_row()).encode())
        fh.write(b"".join(b'<row r="%d"/>' % i for i in range(2, 1_000_002)))
        fh.write(b"</sheetData></worksheet>")

    resp = post(web(personas.township_staff_a), hostile_xlsx(lying))
    job = ImportJob.objects.get()
    assert resp["Location"] == job.get_absolute_url() and job.status == "validating"  # too big for the request
    assert "校验中" in web(personas.township_staff_a).get(job.get_absolute_url()).content.decode()
    actions.import_validate_job(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == "failed" and "一次最多导入 200000 行（含空行）" in job.error
    assert job.file == "" and stored_files() == []


def test_a_file_that_gets_past_the_checks_cannot_take_more_than_its_memory_bound(tree, personas, settings, monkeypatch):
    """The checks loosened, a 120 MB cell reaches the parser: the child dies at its limit, the job fails."""
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    settings.IMPORT_PARSE_MEMORY_BYTES = 64 * 1024 * 1024
    monkeypatch.setattr("governance.tasks.import_validate.delay", lambda job_id: None)

    def big_cell(fh):
        fh.write((HEAD + '<sheetData>' + header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode())
        for _ in range(120):
            fh.write(b"A" * (1024 * 1024))
        fh.write(b"</t></is></c></row></sheetData></worksheet>")

    upload = SimpleUploadedFile("居民.xlsx", hostile_xlsx(big_cell))
    job = actions.import_upload(actor=personas.township_staff_a, kind="residents", upload=upload)
    assert job.status == "validating"
    actions.import_validate_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "超出了允许的内存或时间" in job.error
    assert not Resident.objects.filter(region=tree.A1g).exclude(name="甲村民").exists()


def test_an_oversized_upload_is_refused_with_a_clear_message(tree, personas, web, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 50 * 1024
    padding = os.urandom(200 * 1024)  # incompressible: a big file, not a bomb
    client = web(personas.township_staff_a)
    resp = client.post("/imports/residents/", {"file": SimpleUploadedFile("居民.xlsx", padding)})
    assert resp.status_code == 413 and "文件过大：一次最多上传 50.0" in resp.content.decode()
    with pytest.raises(Exception) as refused:  # the action refuses it too, whoever calls it
        actions.import_upload(actor=personas.township_staff_a, kind="residents",
                              upload=SimpleUploadedFile("居民.xlsx", padding))
    assert "文件过大" in str(refused.value)
    assert not ImportJob.objects.exists() and stored_files() == []


def test_the_stored_file_is_encrypted_private_and_deleted_when_the_job_ends(tree, personas, web):
    number = valid_id_number()
    client = web(personas.township_staff_a)
    client.post("/imports/residents/", {"file": xlsx([row(tree.A1g, number=number, name="加密存")])})
    job = ImportJob.objects.get()
    stored = Path(job.file)
    raw = stored.read_bytes()
    assert not zipfile.is_zipfile(stored) and number.encode() not in raw and "加密存".encode() not in raw
    assert stored.stat().st_mode & 0o777 == 0o600
    assert AuditEntry.objects.get(action="import.upload").region == tree.A
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "done" and job.file == "" and not stored.exists() and stored_files() == []
    assert AuditEntry.objects.get(action="import.residents").region == tree.A
    assert AuditEntry.objects.get(action="import.confirm").region == tree.A


def test_an_unconfirmed_import_expires_after_a_day_and_its_file_is_deleted(tree, personas, web):
    client = web(personas.township_staff_a)
    client.post("/imports/residents/", {"file": xlsx([row(tree.A1g, name="没确认")])})
    job = ImportJob.objects.get()
    stored = Path(job.file)
    sweep_jobs()
    assert stored.exists()  # not yet a day
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    sweep_jobs()
    sweep_jobs()  # idempotent
    job.refresh_from_db()
    assert job.status == "expired" and job.file == "" and not stored.exists()
    assert "已删除，请重新上传" in client.get(job.get_absolute_url()).content.decode()
    assert "已经导入或正在导入" in client.post(f"/imports/jobs/{job.pk}/confirm/", follow=True).content.decode()
