"""Excel imports from the portal's own .xlsx templates: a registry, and the residents importer.

An app registers an `Importer` (its columns, a template example and notes, `parse(path, user)` that
validates every row without writing, and `write(parsed, user)` that writes the valid rows in bulk).
The core does the rest for every importer alike: template download, upload, the preview with each
error by row and column, all-or-nothing or explicitly valid-rows-only, large files in the worker.

The residents importer: households and residents.

Every row is validated — ID check digit, region code inside the user's scope, a household number
that, if it exists, lies in the same region, duplicates within the file and against the database —
and the preview lists each error by row and column in Chinese. Nothing is written unless the whole
file is valid, or the user explicitly imports only the valid rows. Rows stream from openpyxl's
read-only reader; the writes are bulk inserts in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import pii
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

    wb = Workbook()
    ws = wb.active
    ws.title = str(importer.title)[:31]
    ws.append([str(h) for h, _k, _r in importer.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(list(importer.example))
    for i in range(len(importer.columns)):
        ws.column_dimensions[chr(ord("A") + i)].width = 18
    notes = wb.create_sheet(_("填写说明"))
    for line in [*importer.notes, _("请删除示例行后再导入。")]:
        notes.append([str(line)])
    notes.column_dimensions["A"].width = 100
    wb.save(str(path))


def read_rows(path: Path, columns, result: "Parsed"):
    """-> [(row number, {key: text})] with the header checked; errors go to `result`."""
    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_text(h) for h in next(rows, [])]
        expected = [str(h) for h, _k, _r in columns]
        if header[: len(expected)] != expected:
            result.errors.append(RowError(1, "", _("表头与模板不一致，请下载最新模板填写。")))
            return []
        out = []
        for index, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            result.rows += 1
            if result.rows > MAX_ROWS:
                result.errors.append(RowError(index, "", _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}))
                break
            out.append((index, {key: _text(values[i]) if i < len(values) else "" for i, (_h, key, _r) in enumerate(columns)}))
            for h, key, required in columns:
                if required and not out[-1][1][key]:
                    result.error(index, h, _("必填。"))
        return out
    finally:
        wb.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
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
    hashes = {}
    for index, data in parsed_rows:
        try:
            hashes[index] = pii.keyed_hash(pii.parse_id_number(data["id_number"]).value)
        except ValidationError:
            pass
    existing_hashes = set(Resident.objects.filter(id_hash__in=hashes.values()).values_list("id_hash", flat=True))
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
            error(index, headers["household_number"], _("户号 %(h)s 已登记在 %(r)s，与本行区域不一致。") % {"h": number, "r": household.region.name})
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
