"""Bulk onboarding of cadres from Excel (issue #18), on the same preview-and-validate import as residents.

Columns: name, ID number, phone, role, region code. Every row is validated without writing (the ID check digit,
the phone, a role the importer may grant at that region and level, the region inside their scope, duplicates in
the file, a person who already has an account); a person who is already a resident the importer can see is
linked by the ID number's keyed hash, not registered again. The write is set-based: the users, their profiles
(must_change_password), their role assignments and audit entries in bulk inserts, the residents' links in one
bulk update. Each account gets a random one-time initial password; the importer downloads them once
(governance.import_views.import_credentials), from a file stored encrypted and deleted on download."""
from __future__ import annotations

import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import imports, pii
from .imports import Importer, Parsed, read_rows
from .models import AccountProfile, Region, Resident, RoleAssignment
from .scoping import Role, region_allows

ACCOUNT_COLUMNS = [
    ("姓名", "name", True),
    ("身份证号", "id_number", True),
    ("手机号", "phone", True),
    ("角色", "role", True),
    ("区域统计代码", "region_code", True),
]
# who may onboard: those who both create accounts and grant roles (the 三员 split the two, on purpose)
ONBOARDERS = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_HEAD})
ALPHABET = string.ascii_letters + string.digits


def username_for(id_hash: str) -> str:
    """A login name derived from the ID number's keyed hash: stable per person, no personal data in it."""
    return "u" + id_hash[:11]


def _role_of(text: str) -> str | None:
    text = (text or "").strip()
    for role in Role:
        if text in (role.value, str(role.label)):
            return role.value
    return None


def parse_accounts(path, *, user) -> Parsed:
    from .actions import RANK, _granter_rank

    result = Parsed()
    rows = read_rows(path, ACCOUNT_COLUMNS, result)
    if not rows:
        return result
    headers = {key: str(h) for h, key, _r in ACCOUNT_COLUMNS}
    regions = {r.code: r for r in Region.objects.filter(code__in={d["region_code"] for _i, d in rows if d["region_code"]})}
    numbers = {}
    for index, data in rows:
        try:
            numbers[index] = pii.parse_id_number(data["id_number"]).value
        except Exception:
            pass
    hashes = {i: pii.keyed_hash(n) for i, n in numbers.items()}
    taken = set(get_user_model().objects.filter(username__in=[username_for(h) for h in hashes.values()])
                .values_list("username", flat=True))
    # only residents the importer can see are linked: a resident elsewhere stays unknown (no probe of other scopes)
    residents = {h: (pk, uid) for h, pk, uid in Resident.objects.restrict(user, "view")
                 .filter(id_hash__in=set(hashes.values())).values_list("id_hash", "pk", "user_id")}
    seen: dict[str, int] = {}
    ranks: dict[int, int | None] = {}
    error = result.error
    for index, data in rows:
        if not data["name"]:
            error(index, headers["name"], _("请填写姓名。"))
        if index not in numbers:
            try:
                pii.parse_id_number(data["id_number"])
            except Exception as exc:
                error(index, headers["id_number"], getattr(exc, "messages", [str(exc)])[0])
        try:
            phone = pii.normalize_phone(data["phone"])
        except Exception as exc:
            error(index, headers["phone"], getattr(exc, "messages", [str(exc)])[0])
            phone = ""
        role = _role_of(data["role"])
        if role is None:
            error(index, headers["role"], _("未知角色：%(r)s。") % {"r": data["role"][:20]})
        region = regions.get(data["region_code"])
        if region is None:
            error(index, headers["region_code"], _("区域代码 %(c)s 不存在。") % {"c": data["region_code"][:20]})
        elif not region_allows(user, region, AccountProfile.scope_spec.roles_for("add")):
            error(index, headers["region_code"], _("区域 %(n)s 不在您的管辖范围内。") % {"n": region.name})
        elif role is not None:
            if region.pk not in ranks:
                ranks[region.pk] = _granter_rank(user, region)
            rank = ranks[region.pk]
            if rank is None:
                error(index, headers["region_code"], _("区域 %(n)s 不在您的管辖范围内。") % {"n": region.name})
            elif RANK[role] <= rank:
                error(index, headers["role"], _("不能授予与您同级或更高的角色（%(role)s）。") % {"role": Role(role).label})
            elif region.level not in RoleAssignment.ROLE_LEVELS[role]:
                error(index, headers["region_code"], _("该角色不能任命在这一级区域。"))
        h = hashes.get(index)
        resident = None
        if h is not None:
            if h in seen:
                error(index, headers["id_number"], _("与第 %(r)d 行身份证号重复。") % {"r": seen[h]})
            seen.setdefault(h, index)
            if username_for(h) in taken:
                error(index, headers["id_number"], _("此人已有账号，请在账号管理中为其任命角色。"))
            resident = residents.get(h)
            if resident is not None and resident[1] is not None:
                error(index, headers["id_number"], _("此人已有账号，请在账号管理中为其任命角色。"))
        if index in result.bad_rows:
            continue
        result.items.append({"row": index, "name": data["name"][:150], "username": username_for(h), "role": role,
                             "region": region, "resident_id": resident[0] if resident else None, "phone": phone})
    return result


def _initial_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(16))


def write_accounts(parsed: Parsed, *, user) -> dict:
    """Set-based: one bulk insert each for the users, profiles, role assignments and audit entries, one bulk
    update for the linked residents; the initial passwords go to an encrypted file for one download."""
    from django.conf import settings

    from .audit import audit_record_many

    User = get_user_model()
    hasher = "pbkdf2_sha256_onetime" if any(h.endswith("OneTimePasswordHasher") for h in settings.PASSWORD_HASHERS) \
        else "default"
    items = parsed.items
    passwords = [_initial_password() for _ in items]
    users = User.objects.bulk_create([
        User(username=i["username"], first_name=i["name"], password=make_password(pw, hasher=hasher))
        for i, pw in zip(items, passwords)], batch_size=1000)
    AccountProfile.objects.bulk_create([
        AccountProfile(user=u, region=i["region"], must_change_password=True, created_by=user)
        for u, i in zip(users, items)], batch_size=1000)
    today = timezone.localdate()
    assignments = RoleAssignment.objects.bulk_create([
        RoleAssignment(user=u, role=i["role"], region=i["region"], starts_on=today, granted_by=user,
                       status=RoleAssignment.Status.ACTIVE, active=True, note=_("批量导入"))
        for u, i in zip(users, items)], batch_size=1000)
    linked = [Resident(pk=i["resident_id"], user=u) for u, i in zip(users, items) if i["resident_id"]]
    Resident.objects.bulk_update(linked, ["user"], batch_size=1000)
    audit_record_many(actor=user, action="role.grant", objects=assignments, to_state=lambda a: a.role,
                      data=lambda a: {"user": a.user_id, "import": True}, region_of=lambda a: a.region_id)
    path = _credentials_file(items, passwords)
    return {"rows": len(users), "linked": len(linked), "_result_file": str(path)}


def _credentials_file(items, passwords):
    """The initial passwords as .xlsx, stored encrypted (imports.store): the importer downloads it once."""
    import io

    from openpyxl import Workbook

    from .exports import sheet_value

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("初始密码"))
    ws.append([_("登录名"), _("姓名"), _("角色"), _("区域"), _("初始密码（仅一次有效，首次登录须修改）")])
    for i, pw in zip(items, passwords):
        ws.append([sheet_value(ws, v) for v in (i["username"], i["name"], str(Role(i["role"]).label), i["region"].name, pw)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return imports.store(buffer.getvalue())


ACCOUNTS = Importer(
    kind="cadres", title=gettext_lazy("干部账号"), columns=ACCOUNT_COLUMNS,
    example=["李明", "34112219800101001X", "13800138000", "网格长", "341122003001001"],
    notes=[
        gettext_lazy("每行一位干部：建立账号并任命角色；已登记为居民的，按身份证号关联到该居民，不重复登记。"),
        gettext_lazy("角色填中文名称（如“网格长”“村助理”），须低于您本人的角色；区域统计代码须在您的管辖范围内，且与角色的层级相符。"),
        gettext_lazy("导入后可下载一次初始密码表；初始密码仅一次有效，首次登录须修改。"),
    ],
    parse=parse_accounts, write=write_accounts, roles=ONBOARDERS,
)
imports.register(ACCOUNTS)
