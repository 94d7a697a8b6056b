"""Excel imports from the portal's own .xlsx templates: a registry, and the residents importer.

An app registers an `Importer` (its columns, a template example and notes, `parse(path, user)` that
validates every row without writing, and `write(parsed, user)` that writes the valid rows in bulk).
The core does the rest for every importer alike: template download, upload, the preview with each
error by row and column, all-or-nothing or explicitly valid-rows-only, large files in the worker.

The residents importer: households and residents.

Every row is validated — ID check digit, region code inside the user's scope, a household number
that, if it exists, lies in the same region, duplicates within the file and against the database —
and the preview lists each error by row and column in Chinese. Nothing is written unless the whole
file is valid, or the user explicitly imports only the valid rows. The writes are bulk inserts in one
transaction.

Reading and writing use two libraries on purpose (issue #23). python-calamine (Rust) reads the uploads:
openpyxl's read-only reader builds a Python object per cell and took 12 s of a 37 s import of 100,000
residents; calamine parses the sheet in Rust and the whole read, checks included, is about 6x faster.
It only reads, so openpyxl still writes the templates and every export (write-only mode, styles,
widths). A sheet whose cells would span a huge area (a stray cell in column XFD of a file without a
<dimension>) makes calamine's allocation fail at the child's memory limit: the file is refused.
The text of each cell is exactly what openpyxl's reader gave (`_text`): calamine's floats for whole
numbers become integers, its `date` for a date cell at midnight becomes openpyxl's `datetime`, and the
two things calamine cannot say (an error cell such as #N/A, which it reads as empty, and an integer
beyond a float's 2**53, which it rounds) are taken from the sheet's raw XML when the row count sees one.
"""
from __future__ import annotations

import base64
import faulthandler
import hashlib
import hmac
import io
import os
import pickle
import re
import resource
import select
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import lookups, pii
from .models import Household, Region, Resident
from .scoping import role_paths

# (header, key, required). The headers are the Chinese form's own field names in every language:
# a file filled in under one interface language must import under any other, and in the worker.
RESIDENT_COLUMNS = [
    ("户号", "household_number", True),
    ("住址", "address", False),
    ("所属区域统计代码", "region_code", True),
    ("姓名", "name", True),
    ("身份证号", "id_number", True),
    ("手机号", "phone", False),
    ("与户主关系", "relation_to_head", False),
    ("居住状态（在村/外出）", "status", False),
    ("现居地（外出）", "away_location", False),
    ("党员（是/否）", "is_party_member", False),
]
MAX_ROWS = 200_000
MAX_CELL_CHARS = 1_000  # no template column needs more; a longer cell is an error, not carried along


@dataclass(frozen=True)
class Importer:
    kind: str
    title: str
    columns: list  # [(header, key, required)]
    example: list  # one example row for the template
    notes: list  # lines for the template's "填写说明" sheet
    parse: Callable  # (path, *, user) -> Parsed
    write: Callable  # (parsed, *, user) -> dict of counts for the audit log
    roles: frozenset = frozenset()  # who may use it (within their regions)


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    _importers[importer.kind] = importer


def get(kind: str) -> Importer | None:
    return _importers.get(kind)


def all_importers() -> list[Importer]:
    return list(_importers.values())


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (header is row 1)
    column: str
    message: str


@dataclass
class Parsed:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    bad_rows: set[int] = field(default_factory=set)
    residents: list[Resident] = field(default_factory=list)
    new_households: dict[str, Household] = field(default_factory=dict)
    items: list = field(default_factory=list)  # what other importers will write

    def error(self, row: int, column, message: str) -> None:
        self.errors.append(RowError(row, str(column), message))
        self.bad_rows.add(row)

    @property
    def valid_rows(self) -> int:
        return self.rows - len(self.bad_rows)


def write_template(importer: Importer, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .exports import sheet_value

    wb = Workbook()
    ws = wb.active
    ws.title = str(importer.title)[:31]
    ws.append([str(h) for h, _k, _r in importer.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([sheet_value(ws, v) for v in importer.example])
    for i in range(len(importer.columns)):
        ws.column_dimensions[chr(ord("A") + i)].width = 18
    notes = wb.create_sheet(_("填写说明"))
    for line in [*importer.notes, _("请删除示例行后再导入。")]:
        notes.append([sheet_value(notes, str(line))])
    notes.column_dimensions["A"].width = 100
    wb.save(str(path))


# --- Hostile files -------------------------------------------------------------------------------
# An .xlsx is a zip of XML: 1.5 MB can declare a 1.5 GB cell or a million rows. Before any parsing the
# zip's directory is checked (every member's declared size, the total, the compression ratio) and the
# first sheet's declared dimension and its rows are counted from the raw XML; the parse itself runs in a
# forked child with an address-space and CPU limit, so that a file that still gets past the checks
# fails its job with a message instead of taking the server's memory.

def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _setting("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def too_large_message() -> str:
    from django.template.defaultfilters import filesizeformat

    return _("文件过大：一次最多上传 %(m)s，请分批导入。") % {"m": filesizeformat(max_upload_bytes())}


def pending_seconds() -> int:
    """A validated import not confirmed within this time expires (its stored file is deleted)."""
    return _setting("IMPORT_PENDING_SECONDS", 24 * 3600)


class Refused(Exception):
    """The file cannot be imported; `message` says why, in the user's language."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class Inspection:
    sheet: str  # the zip member holding the first worksheet
    sheet_bytes: int  # its declared uncompressed size

    @property
    def small(self) -> bool:
        """Small enough to be validated in the web request (still in a bounded child)."""
        return self.sheet_bytes <= _setting("IMPORT_SYNC_PARSE_BYTES", 2 * 1024 * 1024)


_SHEET_REL = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_REL = re.compile(rb'<Relationship\b[^>]*>')
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<(?:\w+:)?row\b(?:[^>]*?\br="(\d+)")?')  # the r="…" optional: no alternation, 3x faster
# Cells calamine reads differently from openpyxl: an error value (t="e": calamine gives an empty cell) and
# a whole number too long for a float (calamine rounds it). Seen while counting rows; rare, then exact.
# Two searches with a literal start each (one alternation without one costs seconds on 100,000 rows).
_ERROR_TYPE = re.compile(rb't=["\']e["\']')
_LONG_NUMBER = re.compile(rb'v>\s*-?\d{16}')
_ROW_OR_CELL = re.compile(rb'<(?:\w+:)?row\b([^>]*)>|<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_V = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_REF = re.compile(rb'([A-Z]{1,3})(\d+)$')
_INTEGER = re.compile(rb'-?\d+')


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def inspect(data, columns) -> Inspection:
    """Check the zip's structure and the first sheet's declared size before anything parses it.
    Cheap (the zip directory, two small XML parts and the sheet's first 64 KB): the web request may
    call it for any upload."""
    try:
        zf = zipfile.ZipFile(data if hasattr(data, "read") else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(_("无法读取该文件，请确认是用模板填写的 .xlsx 文件。"))
    with zf:
        members = zf.infolist()
        member_cap = _setting("IMPORT_MAX_MEMBER_BYTES", 128 * 1024 * 1024)
        total_cap = _setting("IMPORT_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024)
        ratio_cap = _setting("IMPORT_MAX_COMPRESSION_RATIO", 100)
        too_big = _("文件解压后过大（可能是恶意构造的文件），无法导入。请使用模板填写，一次最多 %(n)d 行。") % {"n": MAX_ROWS}
        if len(members) > 1000 or sum(m.file_size for m in members) > total_cap:
            raise Refused(too_big)
        for m in members:
            if m.file_size > member_cap or (m.file_size > 1024 * 1024 and m.file_size > ratio_cap * max(m.compress_size, 1)):
                raise Refused(too_big)
        sheet = _first_sheet(zf)
        if sheet is None:
            raise Refused(_("无法读取该文件，请确认是用模板填写的 .xlsx 文件。"))
        with zf.open(sheet) as fh:
            head = fh.read(64 * 1024)
        _check_dimension(head, columns)
        return Inspection(sheet=sheet, sheet_bytes=zf.getinfo(sheet).file_size)


def _small_member(zf, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > 1024 * 1024:
        raise Refused(_("无法读取该文件，请确认是用模板填写的 .xlsx 文件。"))
    return zf.read(info)


def _first_sheet(zf) -> str | None:
    """The first worksheet's member, as openpyxl finds it: workbook.xml's first <sheet>, through its rels."""
    workbook, rels = _small_member(zf, "xl/workbook.xml"), _small_member(zf, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    first = _SHEET_REL.search(workbook)
    if first is None:
        return None
    for rel in _REL.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        if attrs.get(b"Id") == first.group(1):
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return name if name in zf.namelist() else None
    return None


def _check_dimension(head: bytes, columns) -> None:
    m = _DIMENSION.search(head)
    if m is None:
        return
    last_col, last_row = (m.group(3), m.group(4)) if m.group(4) else (m.group(1), m.group(2))
    if last_row and int(last_row) > MAX_ROWS + 1:
        raise Refused(_("文件声明有 %(r)s 行，一次最多导入 %(n)d 行（含空行）。") % {"r": int(last_row) - 1, "n": MAX_ROWS})
    if last_col and _column_number(last_col) > len(columns):
        raise Refused(_("文件有 %(c)d 列，模板只有 %(n)d 列：请使用模板填写，不要添加列。") % {
            "c": _column_number(last_col), "n": len(columns)})


def _count_rows(zf, sheet: str) -> bool:
    """Count the sheet's rows in its raw XML, empty ones too (and the highest row number: the reader
    fills the gaps), before calamine builds a single cell. Bounded by the member size checked above.
    -> whether the sheet holds a cell calamine cannot read as openpyxl did (see `_exact_cells`)."""
    highest, count, tail, special = 0, 0, b"", False
    with zf.open(sheet) as fh:
        while True:
            chunk = fh.read(1024 * 1024)
            if not chunk:
                break
            buf = tail + chunk
            cut = buf.rfind(b"<")  # a tag split across chunks is counted with the next one
            if cut <= 0:
                cut = len(buf)
            for m in _ROW.finditer(buf, 0, cut):
                count += 1
                if m.group(1):
                    highest = max(highest, int(m.group(1)))
            special = (special or _ERROR_TYPE.search(buf, 0, cut) is not None
                       or _LONG_NUMBER.search(buf, 0, cut) is not None)
            tail = buf[cut:]
            if max(count, highest) > MAX_ROWS + 1:
                raise Refused(_("一次最多导入 %(n)d 行（含空行）：请删除多余的行后再上传。") % {"n": MAX_ROWS})
    return special


def _exact_cells(zf, sheet: str) -> dict[tuple[int, int], object]:
    """{(row, column) from 0: value} for the cells calamine reads otherwise than openpyxl did: an error
    cell's text ("#N/A") and a whole number beyond 2**53 as the exact int. Cells are placed as openpyxl
    places them (the cell's r, or the next row / column). Only for the rare sheet `_count_rows` flags;
    the sheet is read whole, within the member size checked in `inspect` and the child's limits."""
    with zf.open(sheet) as fh:
        xml = fh.read()
    exact, row, col = {}, 0, 0
    for m in _ROW_OR_CELL.finditer(xml):
        if m.group(1) is not None:  # a row
            r = re.search(rb'\br=["\'](\d+)["\']', m.group(1))
            row, col = (int(r.group(1)) if r else row + 1), 0
            continue
        attrs, body = m.group(2), m.group(3) or b""
        ref = re.search(rb'\br=["\']([A-Z]+\d+)["\']', attrs)
        parts = _REF.match(ref.group(1)) if ref else None
        if parts:
            cell_row, col = int(parts.group(2)), _column_number(parts.group(1))
        else:
            cell_row, col = row, col + 1
        kind = re.search(rb'\bt=["\'](\w+)["\']', attrs)
        kind = kind.group(1) if kind else b"n"
        v = _V.search(body)
        if v is None:
            continue
        if kind == b"e":
            exact[(cell_row - 1, col - 1)] = v.group(1).decode("utf-8", "replace")
        elif kind == b"n" and _INTEGER.fullmatch(v.group(1)) and abs(int(v.group(1))) > 2 ** 53:
            exact[(cell_row - 1, col - 1)] = int(v.group(1))
    return exact


# --- Stored files: encrypted at rest, readable only by the portal --------------------------------

def import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _fernet():
    from cryptography.fernet import Fernet

    key = hmac.new(settings.PII_KEY.encode(), b"governance/imports/file", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def store(data: bytes) -> Path:
    """Write an uploaded workbook encrypted (it holds full ID numbers and phones), mode 0600."""
    path = import_dir() / f"{uuid.uuid4().hex}.xlsx.enc"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(_fernet().encrypt(data))
    return path


def load_stored(path) -> io.BytesIO:
    with open(path, "rb") as fh:
        return io.BytesIO(_fernet().decrypt(fh.read()))


def delete_stored(path) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


# --- Reading rows in a bounded child process ----------------------------------------------------

_on_wait: list[Callable[[], None]] = []


@contextmanager
def while_reading(callback: Callable[[], None]):
    """Call `callback` every few seconds while a child reads a workbook (a job's heartbeat)."""
    _on_wait.append(callback)
    try:
        yield
    finally:
        _on_wait.pop()


def read_rows(source, columns, result: "Parsed"):
    """-> [(row number, {key: text})] with the header checked; errors go to `result`.

    `source` is a path or a file-like object holding the .xlsx. The workbook is read in a forked child
    limited in memory (IMPORT_PARSE_MEMORY_BYTES above the parent's size) and CPU time; only the
    rows' short texts come back. A file that cannot be read at all raises Refused (the caller fails
    the upload or the job with its message)."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            source = io.BytesIO(fh.read())
    rows, count, errors = _in_child(_read_rows_unbounded, source, columns)  # Refused: the whole file is
    result.rows += count
    for e in errors:
        result.errors.append(e)
        if e.column:  # a cell's error makes its row invalid
            result.bad_rows.add(e.row)
    return rows


def _read_rows_unbounded(source, columns):
    """The part that parses untrusted XML (runs in the child). -> (rows, row count, errors)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    errors: list[RowError] = []
    try:
        with zipfile.ZipFile(source) as zf:
            info = inspect(source, columns)
            exact = _exact_cells(zf, info.sheet) if _count_rows(zf, info.sheet) else {}
        source.seek(0)
        wb = CalamineWorkbook.from_filelike(source)
        # The first worksheet, as openpyxl's worksheets[0] (a chart sheet has no rows).
        first = next((i for i, m in enumerate(wb.sheets_metadata) if m.typ == SheetTypeEnum.WorkSheet), None)
        if first is None:
            raise Refused(_("无法读取该文件，请确认是用模板填写的 .xlsx 文件。"))
        # From A1, as openpyxl gives them: a row's index is its spreadsheet row, a cell's its column.
        table = wb.get_sheet_by_index(first).to_python(skip_empty_area=False)
        wb.close()
    except (Refused, MemoryError):
        raise
    except Exception:
        raise Refused(_("无法读取该文件，请确认是用模板填写的 .xlsx 文件。"))
    for (r, c), value in exact.items():
        if r < len(table) and c < len(table[r]):
            table[r][c] = value
    rows = iter(table)
    header = [_text(h) for h in next(rows, [])]
    expected = [str(h) for h, _k, _r in columns]
    if header[: len(expected)] != expected:
        return [], 0, [RowError(1, "", _("表头与模板不一致，请下载最新模板填写。"))]
    out, count = [], 0
    for index, values in enumerate(rows, start=2):
        if index > MAX_ROWS + 1:  # every row counts, empty ones too
            errors.append(RowError(index, "", _("一次最多导入 %(n)d 行（含空行）：请删除多余的行后再上传。") % {"n": MAX_ROWS}))
            break
        if values is None or all(v in (None, "") for v in values):
            continue
        count += 1
        data = {}
        for i, (h, key, required) in enumerate(columns):
            text = _text(values[i]) if i < len(values) else ""
            if len(text) > MAX_CELL_CHARS:
                errors.append(RowError(index, str(h), _("内容过长（超过 %(n)d 个字符）。") % {"n": MAX_CELL_CHARS}))
                text = ""
            elif required and not text:
                errors.append(RowError(index, str(h), _("必填。")))
            data[key] = text
        out.append((index, data))
    return out, count, errors


def _vm_size() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _in_child(fn, *args):
    """Run fn(*args) in a forked child whose address space and CPU time are limited; return its result
    or raise Refused. The child touches no database connection and leaves with os._exit."""
    memory = _setting("IMPORT_PARSE_MEMORY_BYTES", 1024 * 1024 * 1024)
    cpu = _setting("IMPORT_PARSE_CPU_SECONDS", 300)
    failed = _("文件过大或内容异常，读取时超出了允许的内存或时间，未导入任何数据。")
    read_end, write_end = os.pipe()
    limit = _vm_size() + memory
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_end)
            faulthandler.disable()  # calamine aborts at the memory limit: an expected end, no traceback
            os.environ["RUST_BACKTRACE"] = "0"
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
            try:
                payload = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except Refused as exc:
                payload = pickle.dumps(("refused", exc.message))
            except MemoryError:
                payload = pickle.dumps(("refused", str(failed)))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as fh:
        while True:
            ready, _w, _x = select.select([fh], [], [], 5.0)
            if not ready:
                for callback in _on_wait:
                    callback()
                continue
            chunk = os.read(fh.fileno(), 1024 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
    _pid, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not chunks:
        raise Refused(failed)  # killed by the CPU limit, or died of the memory limit
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "refused":
        raise Refused(value)
    return value


def _text(value) -> str:
    """A cell as text, exactly as it was when openpyxl read the uploads: a whole number without ".0"
    (calamine reads every number as a float: 13800138000.0 -> "13800138000"), a date cell as openpyxl's
    datetime ("2020-01-02 00:00:00"; calamine gives a date when there is no time of day)."""
    if value.__class__ is str:  # most cells: a million calls for 100,000 rows
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return str(value).strip()


def parse_residents(path: Path, *, user, roles=None) -> Parsed:
    result = Parsed()
    roles = roles or Resident.scope_spec.roles_for("add")
    parsed_rows = read_rows(path, RESIDENT_COLUMNS, result)
    if not parsed_rows:
        return result
    allowed = role_paths(user, roles)
    superuser = getattr(user, "is_superuser", False)
    regions = {data["region_code"]: None for _i, data in parsed_rows}  # code -> Region
    seen_ids: dict[str, int] = {}

    # One query for all regions and one for all existing numbers/households: no per-row lookups.
    for region in Region.objects.filter(code__in=[c for c in regions if c]):
        regions[region.code] = region
    ids = set()
    for _index, data in parsed_rows:
        try:
            ids.add(pii.parse_id_number(data["id_number"]).value)
        except ValidationError:
            pass
    # "Already registered" answers whether a number exists anywhere in the county: the file's numbers go
    # through the limited and audited door for exact lookups, so a file of guesses is no oracle.
    try:
        registered = lookups.exact_lookup(actor=user, queryset=Resident.objects.all(), numbers=sorted(ids),
                                          purpose="import.residents", refused_when_found=True, batch=True)
    except lookups.LookupLimited as exc:
        result.errors.append(RowError(1, "", " ".join(exc.messages)))
        return result
    existing_hashes = {pii.keyed_hash(n) for n in registered}
    numbers = {data["household_number"] for _i, data in parsed_rows if data["household_number"]}
    existing_households = {h.number: h for h in Household.objects.filter(number__in=numbers).select_related("region")}

    error = result.error
    headers = {key: str(h) for h, key, _r in RESIDENT_COLUMNS}
    for index, data in parsed_rows:
        region = regions.get(data["region_code"])
        if data["region_code"] and region is None:
            error(index, headers["region_code"], _("区域代码 %(c)s 不存在。") % {"c": data["region_code"]})
        elif region is not None and region.level < Region.Level.GROUP:
            error(index, headers["region_code"], _("请填写村民小组/小区或楼栋的代码，而不是%(k)s。") % {"k": region.get_kind_display()})
        elif region is not None and not superuser and not any(region.path.startswith(p) for p in allowed):
            error(index, headers["region_code"], _("区域 %(n)s 不在您的管辖范围内。") % {"n": region.name})
        resident = Resident(name=data["name"][:50], relation_to_head=data["relation_to_head"][:20])
        try:
            resident.set_id_number(data["id_number"])
        except ValidationError as exc:
            if data["id_number"]:
                error(index, headers["id_number"], exc.messages[0])
        else:
            if resident.id_hash in existing_hashes:
                error(index, headers["id_number"], _("该身份证号已登记。"))
            elif resident.id_hash in seen_ids:
                error(index, headers["id_number"], _("与第 %(r)d 行身份证号重复。") % {"r": seen_ids[resident.id_hash]})
            else:
                seen_ids[resident.id_hash] = index
        try:
            resident.set_phone(data["phone"])
        except ValidationError as exc:
            error(index, headers["phone"], exc.messages[0])
        status = {"": Resident.Status.RESIDENT, "在村": Resident.Status.RESIDENT, "外出": Resident.Status.AWAY}.get(data["status"])
        if status is None:
            error(index, headers["status"], _("请填“在村”或“外出”。"))
        elif status == Resident.Status.AWAY and not data["away_location"]:
            error(index, headers["away_location"], _("外出村民请填写现居地。"))
        resident.status = status or Resident.Status.RESIDENT
        resident.away_location = data["away_location"][:100] if resident.status == Resident.Status.AWAY else ""
        party = {"": False, "否": False, "是": True}.get(data["is_party_member"])
        if party is None:
            error(index, headers["is_party_member"], _("请填“是”或“否”。"))
        resident.is_party_member = bool(party)
        if index in result.bad_rows or region is None:
            continue
        number = data["household_number"][:32]
        household = existing_households.get(number) or result.new_households.get(number)
        if household is None:
            household = Household(number=number, address=data["address"][:200] or region.name, region=region)
            result.new_households[number] = household
        elif not (region.path.startswith(household.region.path) or household.region.path.startswith(region.path)):
            # Name the other region only where the user may see it: a household number is no probe of
            # another township.
            if superuser or any(household.region.path.startswith(p) for p in allowed):
                error(index, headers["household_number"], _("户号 %(h)s 已登记在 %(r)s，与本行区域不一致。") % {
                    "h": number, "r": household.region.name})
            else:
                error(index, headers["household_number"], _("户号 %(h)s 已被其他区域使用，请核对户号。") % {"h": number})
            continue
        resident.region = region
        resident._household = household
        resident._row = index
        result.residents.append(resident)
    return result


def write_residents(parsed: Parsed, *, user) -> dict:
    """Bulk-insert the new households, then the residents; set each new household's head."""
    from django.db.models import OuterRef, Subquery

    new = list(parsed.new_households.values())
    Household.objects.bulk_create(new, batch_size=2000)
    if new and new[0].pk is None:  # backends that return no ids
        by_number = dict(Household.objects.filter(number__in=[h.number for h in new]).values_list("number", "pk"))
        for h in new:
            h.pk = by_number[h.number]
    for r in parsed.residents:
        r.household = r._household
    Resident.objects.bulk_create(parsed.residents, batch_size=2000)
    Household.objects.filter(pk__in=[h.pk for h in new], head__isnull=True).update(
        head=Subquery(Resident.objects.filter(household=OuterRef("pk")).order_by("pk").values("pk")[:1])
    )
    return {"rows": len(parsed.residents), "households": len(new)}


RESIDENTS = Importer(
    kind="residents", title=gettext_lazy("居民"), columns=RESIDENT_COLUMNS,
    example=["H20260001", "幸福路1号", "341122003001001", "张三", "34112219800101001X", "13800138000", "户主", "在村", "",
             "否"],
    notes=[
        gettext_lazy("每行一位居民；同一户号的多行属于同一户，户号已存在时须与系统中的所属区域一致。"),
        gettext_lazy("所属区域统计代码填写村民小组/小区（15位）或楼栋（18位）代码，须在您的管辖范围内。"),
        gettext_lazy("身份证号18位，末位可为X；出生日期和性别由号码自动得出。手机号可空。"),
        gettext_lazy("居住状态填“在村”或“外出”；外出须填写现居地。党员填“是”或“否”。"),
    ],
    parse=parse_residents, write=write_residents, roles=Resident.scope_spec.roles_for("add"),
)
register(RESIDENTS)
from . import staff_imports  # noqa: E402,F401  (the cadres' accounts importer, issue #18)
