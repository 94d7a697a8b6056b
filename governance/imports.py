"""Import of households and residents from the portal's own .xlsx template.

Every row is validated — ID check digit, region code inside the user's scope, a household number
that, if it exists, lies in the same region, duplicates within the file and against the database —
and the preview lists each error by row and column in Chinese. Nothing is written unless the whole
file is valid, or the user explicitly imports only the valid rows. Rows stream from openpyxl's
read-only reader; the writes are bulk inserts in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (header is row 1)
    column: str
    message: str


@dataclass
class Parsed:
    residents: list[Resident] = field(default_factory=list)
    new_households: dict[str, Household] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    bad_rows: set[int] = field(default_factory=set)

    @property
    def valid_rows(self) -> int:
        return self.rows - len(self.bad_rows)


def write_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("居民导入")
    ws.append([str(h) for h, _k, _r in RESIDENT_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["H20260001", "幸福路1号", "341122003001001", "张三", "34112219800101001X", "13800138000", "户主", "在村", "", "否"])
    for col in "ABCDEFGHIJ":
        ws.column_dimensions[col].width = 18
    notes = wb.create_sheet(_("填写说明"))
    for line in [
        _("每行一位居民；同一户号的多行属于同一户，户号已存在时须与系统中的所属区域一致。"),
        _("所属区域统计代码填写村民小组/小区（15位）或楼栋（18位）代码，须在您的管辖范围内。"),
        _("身份证号18位，末位可为X；出生日期和性别由号码自动得出。手机号可空。"),
        _("居住状态填“在村”或“外出”；外出须填写现居地。党员填“是”或“否”。"),
        _("请删除示例行后再导入。"),
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    wb.save(str(path))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_residents(path: Path, *, user, roles) -> Parsed:
    from openpyxl import load_workbook

    result = Parsed()
    wb = load_workbook(str(path), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, [])]
    expected = [str(h) for h, _k, _r in RESIDENT_COLUMNS]
    if header[: len(expected)] != expected:
        result.errors.append(RowError(1, "", _("表头与模板不一致，请下载最新模板填写。")))
        return result

    allowed = role_paths(user, roles)
    superuser = getattr(user, "is_superuser", False)
    regions = {}  # code -> Region (grid level and below)
    seen_ids: dict[str, int] = {}
    parsed_rows = []
    for index, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.errors.append(RowError(index, "", _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}))
            break
        data = {key: _text(values[i]) if i < len(values) else "" for i, (_h, key, _r) in enumerate(RESIDENT_COLUMNS)}
        parsed_rows.append((index, data))
        regions.setdefault(data["region_code"], None)

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

    def error(row, column, message):
        result.errors.append(RowError(row, str(column), message))
        result.bad_rows.add(row)

    headers = {key: str(h) for h, key, _r in RESIDENT_COLUMNS}
    for index, data in parsed_rows:
        for h, key, required in RESIDENT_COLUMNS:
            if required and not data[key]:
                error(index, h, _("必填。"))
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
    wb.close()
    return result
