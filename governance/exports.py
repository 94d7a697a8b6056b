"""Excel export of any list a user can see: scoped, masked, streamed with constant memory.

Each app registers its lists (`register(Export(...))` in AppConfig.ready()). An export runs the same
selector and FilterSet as the list page, as the same user, so it holds exactly what the page holds.
Columns read `values_list()` paths (no model objects), rows stream through openpyxl's write-only
workbook. Small exports answer at once; large ones (over SYNC_LIMIT rows) run as a Celery job with
progress and a download link.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.utils import timezone

SYNC_LIMIT = 5_000
CHUNK = 2_000


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header (lazy translation is fine)
    path: str  # values_list path; never a cipher field
    display: Callable | dict | None = None  # value -> shown value (a choices dict, or a function)
    width: int = 14


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
            if fs.is_valid():
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


def write_xlsx(export: Export, queryset, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Stream `queryset` into an .xlsx at `path`; returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(export.title)[:31])
    for i, column in enumerate(export.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    paths = [c.path for c in export.columns]
    n = 0
    for row in queryset.values_list(*paths).iterator(chunk_size=CHUNK):
        ws.append([_shown(c, v) for c, v in zip(export.columns, row)])
        n += 1
        if progress is not None and n % CHUNK == 0:
            progress(n)
    wb.save(str(path))
    return n


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def temp_xlsx() -> Path:
    return Path(tempfile.mkstemp(suffix=".xlsx", dir=export_dir())[1])
