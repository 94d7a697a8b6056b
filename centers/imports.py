"""Excel imports of party members and of training attendance (discovered by the core at start-up).

Both follow the core's importer contract (`governance.imports`): every row is validated with the
same rules as the one-at-a-time actions (`party_member_create`, `attendance_record_bulk`), against
the user's scope, with a handful of set-based lookups for the whole file; the valid rows are written
with one bulk insert.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import imports, lookups, navigation, pii
from governance.models import Region, Resident
from governance.scoping import COUNTY, MANAGERS, TOWNSHIP, is_unrestricted, role_paths

from .models import Attendance, PartyMember, PartyOrganization, TrainingSession

MEMBER_COLUMNS = [
    ("身份证号", "id_number", True),
    ("党组织所在区域统计代码", "org_region_code", True),
    ("党组织名称", "org_name", True),
    ("党员类别（正式/预备）", "membership", False),
    ("入党日期", "joined_on", True),
    ("在职党员（是/否）", "in_service", False),
    ("工作单位", "work_unit", False),
]
ATTENDANCE_COLUMNS = [
    ("培训班次编号", "session", True),
    ("身份证号", "id_number", True),
    ("学时", "hours", False),
]


def _in_scope(user, region: Region, roles) -> bool:
    return is_unrestricted(user) or any(region.path.startswith(p) for p in role_paths(user, roles))


def _residents_by_hash(user, rows, result, purpose: str) -> dict[str, Resident] | None:
    """The residents the file names, found within the user's scope through the one limited and audited
    door for exact lookups (a file of guessed numbers is no way round it): one query."""
    numbers = {}
    for _i, data in rows:
        try:
            numbers[data["id_number"]] = pii.parse_id_number(data["id_number"]).value
        except Exception:
            continue
    try:
        found = lookups.exact_lookup(actor=user, queryset=Resident.objects.restrict(user, "view").select_related("region"),
                                     numbers=list(numbers.values()), purpose=purpose, batch=True)
    except lookups.LookupLimited as exc:
        result.errors.append(imports.RowError(1, "", " ".join(exc.messages)))
        return None
    return {raw: found[n] for raw, n in numbers.items() if n in found}


def _resident_or_error(result, index, data, residents, header) -> Resident | None:
    try:
        pii.parse_id_number(data["id_number"])
    except Exception as exc:
        result.error(index, header, getattr(exc, "messages", [str(exc)])[0])
        return None
    resident = residents.get(data["id_number"])
    if resident is None:
        result.error(index, header, _("未找到该身份证号的居民，或不在您的管辖范围内。"))
    return resident


def _date(value: str) -> dt.date | None:
    return parse_date((value or "")[:10])


def parse_members(path: Path, *, user) -> imports.Parsed:
    result = imports.Parsed()
    rows = imports.read_rows(path, MEMBER_COLUMNS, result)
    if not rows:
        return result
    h = {key: header for header, key, _r in MEMBER_COLUMNS}
    residents = _residents_by_hash(user, rows, result, "import.members")
    if residents is None:  # the lookup budget is spent: the file is not checked at all
        return result
    orgs = {(o.region.code, o.name): o for o in PartyOrganization.objects.restrict(user, "view").select_related("region")
            .filter(region__code__in={d["org_region_code"] for _i, d in rows})}
    already = set(PartyMember.objects.filter(resident__in=residents.values()).values_list("resident_id", flat=True))
    seen: dict[int, int] = {}
    today = timezone.localdate()
    for index, data in rows:
        resident = _resident_or_error(result, index, data, residents, h["id_number"])
        org = orgs.get((data["org_region_code"], data["org_name"]))
        if org is None:
            result.error(index, h["org_name"], _("在区域 %(c)s 未找到党组织“%(n)s”。") % {"c": data["org_region_code"], "n": data["org_name"]})
        elif not _in_scope(user, org.region, MANAGERS):
            result.error(index, h["org_name"], _("该党组织不在您的管辖范围内。"))
        membership = {"": PartyMember.Membership.FULL, "正式": PartyMember.Membership.FULL,
                      "预备": PartyMember.Membership.PROBATIONARY}.get(data["membership"])
        if membership is None:
            result.error(index, h["membership"], _("请填“正式”或“预备”。"))
        joined = _date(data["joined_on"])
        if joined is None:
            result.error(index, h["joined_on"], _("请按 2020-07-01 的格式填写日期。"))
        elif joined > today:
            result.error(index, h["joined_on"], _("入党日期不能晚于今天。"))
        in_service = {"": False, "否": False, "是": True}.get(data["in_service"])
        if in_service is None:
            result.error(index, h["in_service"], _("请填“是”或“否”。"))
        elif in_service and not data["work_unit"]:
            result.error(index, h["work_unit"], _("在职党员须填写工作单位。"))
        if resident is not None:
            if resident.pk in already:
                result.error(index, h["id_number"], _("%(n)s已登记为党员。") % {"n": resident.name})
            elif resident.pk in seen:
                result.error(index, h["id_number"], _("与第 %(r)d 行是同一人。") % {"r": seen[resident.pk]})
            else:
                seen[resident.pk] = index
            if org is not None and not resident.region.path.startswith(org.region.path):
                result.error(index, h["org_name"], _("%(n)s不住在%(o)s所在区域。") % {"n": resident.name, "o": org.name})
        if index not in result.bad_rows:
            result.items.append(PartyMember(resident=resident, organization=org, region=org.region, membership=membership,
                                            joined_on=joined, in_service=in_service, work_unit=data["work_unit"][:100]))
    return result


def write_members(parsed: imports.Parsed, *, user) -> dict:
    PartyMember.objects.bulk_create(parsed.items, batch_size=2000)
    Resident.objects.filter(pk__in=[m.resident_id for m in parsed.items]).update(is_party_member=True)
    return {"rows": len(parsed.items)}


def parse_attendance(path: Path, *, user) -> imports.Parsed:
    result = imports.Parsed()
    rows = imports.read_rows(path, ATTENDANCE_COLUMNS, result)
    if not rows:
        return result
    h = {key: header for header, key, _r in ATTENDANCE_COLUMNS}
    residents = _residents_by_hash(user, rows, result, "import.attendance")
    if residents is None:
        return result
    ids = {int(d["session"]) for _i, d in rows if d["session"].isdigit()}
    sessions = {s.pk: s for s in TrainingSession.objects.filter(pk__in=ids).select_related("region", "course")}
    recorded = set(Attendance.objects.filter(session_id__in=ids).values_list("session_id", "resident_id"))
    villages = dict(Region.objects.filter(path__in={r.region.village_path for r in residents.values()})
                    .values_list("path", "pk"))
    seen: dict[tuple, int] = {}
    for index, data in rows:
        session = sessions.get(int(data["session"])) if data["session"].isdigit() else None
        if session is None or not _in_scope(user, session.region, COUNTY | TOWNSHIP):
            result.error(index, h["session"], _("培训班次 %(s)s 不存在或不在您的管辖范围内。") % {"s": data["session"]})
        resident = _resident_or_error(result, index, data, residents, h["id_number"])
        hours = session.hours if session is not None else Decimal("0")
        if data["hours"]:
            try:
                hours = Decimal(data["hours"])
            except InvalidOperation:
                hours = Decimal("-1")
            if not Decimal("0") < hours <= Decimal("24"):
                result.error(index, h["hours"], _("学时须在0到24之间。"))
        if resident is not None and session is not None:
            key = (session.pk, resident.pk)
            if not resident.region.path.startswith(session.region.path):
                result.error(index, h["id_number"], _("%(n)s不在本班次举办区域内。") % {"n": resident.name})
            elif key in recorded:
                result.error(index, h["id_number"], _("%(n)s的本班次出勤已登记。") % {"n": resident.name})
            elif key in seen:
                result.error(index, h["id_number"], _("与第 %(r)d 行重复。") % {"r": seen[key]})
            else:
                seen[key] = index
        if index not in result.bad_rows:
            result.items.append(Attendance(session=session, resident=resident, hours=hours, year=session.date.year,
                                           region_id=villages.get(resident.region.village_path, resident.region_id)))
    return result


def write_attendance(parsed: imports.Parsed, *, user) -> dict:
    Attendance.objects.bulk_create(parsed.items, batch_size=2000)
    return {"rows": len(parsed.items)}


imports.register(imports.Importer(
    kind="party-members", title=gettext_lazy("党员"), columns=MEMBER_COLUMNS,
    example=["34112219800101001X", "341122003001", "刘集村党支部", "正式", "2010-07-01", "否", ""],
    notes=[gettext_lazy("每行一名党员；身份证号须是已登记、在您管辖范围内的居民。"),
           gettext_lazy("党组织按“所在区域统计代码 + 名称”查找；党员须住在该组织所在区域内。"),
           gettext_lazy("党员类别填“正式”或“预备”；入党日期格式如 2010-07-01；在职党员须填工作单位。")],
    parse=parse_members, write=write_members, roles=MANAGERS,
))
imports.register(imports.Importer(
    kind="training-attendance", title=gettext_lazy("培训出勤"), columns=ATTENDANCE_COLUMNS,
    example=["1", "34112219800101001X", "3"],
    notes=[gettext_lazy("每行一人次；培训班次编号见“培训”页面各班次的编号。"),
           gettext_lazy("学时可空，空则按班次学时计；已登记的出勤会被指出，不会重复登记。")],
    parse=parse_attendance, write=write_attendance, roles=COUNTY | TOWNSHIP,
))

_group = gettext_lazy("中心与党建")
navigation.register(gettext_lazy("批量导入党员"), "import_upload", roles=MANAGERS, group=_group, order=95,
                    kind="party-members")
navigation.register(gettext_lazy("批量导入培训出勤"), "import_upload", roles=COUNTY | TOWNSHIP, group=_group, order=96,
                    kind="training-attendance")
