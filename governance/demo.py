"""The demo county: deterministic (fixed seed), idempotent, bulk-inserted.

The core builds the region tree, households, residents and the demo users; each domain app adds
its own data from `<app>/demo.py`, which defines `seed(ctx: DemoContext)` and must be idempotent.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from . import pii
from .models import Household, Region, Resident, RoleAssignment
from .scoping import Role, clear_cache

COUNTY_CODE = "341122"
COUNTY_NAME = "云溪县"
TOWNSHIPS = [
    # (name, kind, villages)
    ("城关街道", Region.Kind.SUBDISTRICT, 16),
    ("东湖街道", Region.Kind.SUBDISTRICT, 14),
    ("青石镇", Region.Kind.TOWNSHIP, 18),
    ("柳河镇", Region.Kind.TOWNSHIP, 17),
    ("杏花镇", Region.Kind.TOWNSHIP, 18),
    ("白沙镇", Region.Kind.TOWNSHIP, 16),
    ("桃源乡", Region.Kind.TOWNSHIP, 17),
    ("龙泉镇", Region.Kind.TOWNSHIP, 18),
    ("石门乡", Region.Kind.TOWNSHIP, 16),
    ("枫林镇", Region.Kind.TOWNSHIP, 17),
    ("金桥镇", Region.Kind.TOWNSHIP, 16),
    ("云台乡", Region.Kind.TOWNSHIP, 17),
]
VILLAGE_WORDS = "王庄 李湾 张岗 刘集 陈楼 杨店 黄圩 周营 吴寨 徐屯 孙庄 胡桥 朱圩 高庄 林场 何湾 郭集 马岗 罗店 梁庄 宋楼 郑营 谢湾 韩庄 唐集 冯楼 于店 董岗 萧圩 程庄".split()
COMMUNITY_WORDS = "和平 幸福 光明 建设 人民 新华 文昌 富民 金山 长安 阳光 康乐 团结 振兴 红星 朝阳".split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华文斌辉力梅琳俊凤云丹飞宇浩然欣怡子涵梓轩雨桐思远志强海燕春梅建国国强红梅春花秋菊德明永红金凤"
AWAY_PLACES = ["浙江省杭州市", "江苏省苏州市", "广东省深圳市", "上海市", "广东省东莞市", "北京市", "浙江省宁波市", "福建省厦门市"]
RELATIONS = ["户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女"]


@dataclass
class DemoContext:
    rng: random.Random
    county: Region
    users: dict[str, object] = field(default_factory=dict)  # username -> User
    stdout: object = None

    def log(self, msg: str) -> None:
        if self.stdout is not None:
            self.stdout.write(msg)

    # Handy lookups for app seeders.
    def townships(self):
        return Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("path")

    def villages(self):
        return Region.objects.filter(level=Region.Level.VILLAGE).order_by("path")

    def groups(self):
        return Region.objects.filter(level=Region.Level.GROUP).order_by("path")


class DemoIds:
    """Valid, unique GB 11643 numbers: county prefix + birth date + sequence + check digit."""

    def __init__(self, rng: random.Random):
        self.rng, self.seen = rng, set()

    def make(self) -> tuple[str, str]:
        while True:
            age = min(95, max(0, int(self.rng.gauss(42, 20))))
            birth = dt.date(2026 - age, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            birth = min(birth, dt.date(2026, 11, 1))
            gender = self.rng.choice("MF")
            seq = self.rng.randrange(0, 100) * 10 + self.rng.choice([1, 3, 5, 7, 9] if gender == "M" else [0, 2, 4, 6, 8])
            first17 = f"{COUNTY_CODE}{birth:%Y%m%d}{seq:03d}"
            if first17 in self.seen:
                continue
            self.seen.add(first17)
            return first17 + pii.id_check_char(first17), gender


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def build_regions(rng: random.Random) -> Region:
    county = Region(code=COUNTY_CODE + "000000", name=COUNTY_NAME, kind=Region.Kind.COUNTY)
    county.save()
    regions: list[Region] = []
    for t_index, (t_name, t_kind, n_villages) in enumerate(TOWNSHIPS, start=1):
        t_path = f"{COUNTY_CODE}{t_index:03d}"
        township = Region(parent=county, code=t_path + "000", name=t_name, kind=t_kind)
        township.save()
        urban = t_kind == Region.Kind.SUBDISTRICT
        words = COMMUNITY_WORDS if urban else VILLAGE_WORDS
        for v_index in range(1, n_villages + 1):
            v_path = f"{t_path}{v_index:03d}"
            v_name = f"{words[(v_index - 1 + t_index) % len(words)]}{'社区' if urban else '村'}"
            village = Region(parent=township, code=v_path, name=v_name,
                             kind=Region.Kind.COMMUNITY if urban else Region.Kind.VILLAGE)
            village.save()
            for g_index in range(1, rng.randint(6, 11) + 1):
                g_path = f"{v_path}{g_index:03d}"
                if urban:
                    name = f"{rng.choice(['锦绣', '翠苑', '金色', '御景', '滨河', '书香', '怡和'])}小区{g_index}期"
                    kind = Region.Kind.COMPOUND
                else:
                    name = f"第{g_index}村民小组"
                    kind = Region.Kind.GROUP
                group = Region(parent_id=None, code=g_path, name=name, kind=kind, level=4, path=g_path)
                group._parent_path = v_path
                regions.append(group)
    # Groups and buildings in bulk: parents resolved by path.
    by_path = {r.path: r.pk for r in Region.objects.all()}
    for group in regions:
        group.parent_id = by_path[group._parent_path]
    Region.objects.bulk_create(regions, batch_size=2000)
    buildings = []
    for group in Region.objects.filter(kind=Region.Kind.COMPOUND):
        for b_index in range(1, rng.randint(3, 6) + 1):
            b_path = f"{group.path}{b_index:03d}"
            buildings.append(Region(parent_id=group.pk, code=b_path, name=f"{b_index}号楼",
                                    kind=Region.Kind.BUILDING, level=5, path=b_path))
    Region.objects.bulk_create(buildings, batch_size=2000)
    return county


def build_people(rng: random.Random, n_residents: int, stdout=None) -> None:
    """Households of 1–6 people spread over the groups/compounds (and buildings), bulk-inserted."""
    groups = list(Region.objects.filter(level=Region.Level.GROUP).order_by("path").values_list("pk", "path", "kind"))
    buildings_by_group: dict[str, list[int]] = {}
    for pk, path in Region.objects.filter(level=Region.Level.BUILDING).values_list("pk", "path"):
        buildings_by_group.setdefault(Region.prefix(path, Region.Level.GROUP), []).append(pk)
    ids = DemoIds(rng)
    made = 0
    hh_number = Household.objects.count()
    batch_households: list[Household] = []
    batch_plan: list[tuple[int, int]] = []  # (region id, size) per household
    while made < n_residents:
        g_pk, g_path, g_kind = groups[rng.randrange(len(groups))]
        region_id = rng.choice(buildings_by_group[g_path]) if g_kind == Region.Kind.COMPOUND and buildings_by_group.get(g_path) else g_pk
        size = min(n_residents - made, rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))
        hh_number += 1
        address = f"{rng.randint(1, 120)}号" if g_kind == Region.Kind.GROUP else f"{rng.randint(1, 30)}单元{rng.randint(101, 1802)}室"
        batch_households.append(Household(region_id=region_id, number=f"H{hh_number:08d}", address=address))
        batch_plan.append((region_id, size))
        made += size
        if len(batch_households) >= 5000 or made >= n_residents:
            _flush_households(rng, ids, batch_households, batch_plan)
            if stdout is not None:
                stdout.write(f"  居民 {made}/{n_residents}")
            batch_households, batch_plan = [], []
    # Heads: the first member of each household — one set-based UPDATE from one GROUP BY (a
    # correlated subquery per household would crawl on freshly bulk-loaded tables with no statistics).
    h, r = Household._meta.db_table, Resident._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {h}; ANALYZE {r};")
        cursor.execute(
            f"UPDATE {h} SET head_id = firsts.first_id FROM "
            f"(SELECT household_id, MIN(id) AS first_id FROM {r} GROUP BY household_id) AS firsts "
            f"WHERE firsts.household_id = {h}.id AND {h}.head_id IS NULL"
        )


def _flush_households(rng, ids: DemoIds, households: list[Household], plan) -> None:
    Household.objects.bulk_create(households, batch_size=5000)
    if households[0].pk is None:  # SQLite < 3.35 returns no ids; fetch them by number
        numbers = {h.number: h for h in households}
        for pk, number in Household.objects.filter(number__in=numbers).values_list("pk", "number"):
            numbers[number].pk = pk
    residents = []
    for household, (region_id, size) in zip(households, plan):
        for i in range(size):
            id_number, _gender = ids.make()
            r = Resident(household_id=household.pk, region_id=region_id, name=person_name(rng),
                         relation_to_head=RELATIONS[min(i, len(RELATIONS) - 1)] if i else "户主")
            r.set_id_number(id_number)
            if rng.random() < 0.8:
                r.set_phone(f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
            else:
                r.set_phone("")
            if rng.random() < 0.18 and r.age >= 18:
                r.status, r.away_location = Resident.Status.AWAY, rng.choice(AWAY_PLACES)
            r.is_party_member = r.age >= 18 and rng.random() < 0.07
            residents.append(r)
    Resident.objects.bulk_create(residents, batch_size=5000)


# username -> (role, how to find the region, full name)
DEMO_USERS = [
    ("county_admin", Role.COUNTY_ADMIN, "county", "组织部 周敏"),
    ("township_head", Role.TOWNSHIP_HEAD, "township_a", "青石镇 镇长 陈建国"),
    ("township_head_2", Role.TOWNSHIP_HEAD, "township_b", "柳河镇 镇长 刘志强"),
    ("township_staff", Role.TOWNSHIP_STAFF, "township_a", "青石镇 干部 王芳"),
    ("township_staff_2", Role.TOWNSHIP_STAFF, "township_b", "柳河镇 干部 李娜"),
    ("village_secretary", Role.VILLAGE_SECRETARY, "village_a1", "村支书 张德明"),
    ("village_secretary_2", Role.VILLAGE_SECRETARY, "village_b1", "村支书 杨永红"),
    ("grid_leader", Role.GRID_LEADER, "group_a1", "网格长 赵磊"),
    ("grid_leader_2", Role.GRID_LEADER, "group_b1", "网格长 黄勇"),
    ("village_assistant", Role.VILLAGE_ASSISTANT, "village_a1", "村助理 孙静"),
    ("village_assistant_2", Role.VILLAGE_ASSISTANT, "village_b1", "村助理 吴艳"),
    ("unit_staff", Role.UNIT_STAFF, "subdistrict_a", "共建单位 郭涛"),
    ("unit_staff_2", Role.UNIT_STAFF, "subdistrict_b", "共建单位 马超"),
    ("resident", Role.RESIDENT, "village_a1", None),
    ("resident_2", Role.RESIDENT, "village_b1", None),
    ("resident_away", Role.RESIDENT, "village_a1", None),
    # 三员分立 (issue #18): accounts, roles and policies, the audit log — none reads residents' data
    ("system_admin", Role.SYSTEM_ADMIN, "county", "系统管理员 钱立"),
    ("security_admin", Role.SECURITY_ADMIN, "county", "安全管理员 冯洁"),
    ("audit_admin", Role.AUDIT_ADMIN, "county", "审计管理员 韩冰"),
]


def demo_regions() -> dict[str, Region]:
    township_a = Region.objects.get(name="青石镇")
    township_b = Region.objects.get(name="柳河镇")
    village_a1 = Region.objects.filter(parent=township_a).order_by("path").first()
    village_b1 = Region.objects.filter(parent=township_b).order_by("path").first()
    sub_a, sub_b = Region.objects.filter(kind=Region.Kind.SUBDISTRICT).order_by("path")[:2]
    return {
        "county": Region.objects.get(level=Region.Level.COUNTY),
        "township_a": township_a,
        "township_b": township_b,
        "village_a1": village_a1,
        "village_b1": village_b1,
        "group_a1": Region.objects.filter(parent=village_a1).order_by("path").first(),
        "group_b1": Region.objects.filter(parent=village_b1).order_by("path").first(),
        "subdistrict_a": sub_a,
        "subdistrict_b": sub_b,
    }


def build_users(ctx: DemoContext) -> None:
    User = get_user_model()
    regions = demo_regions()
    password = settings.DEMO_PASSWORD
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "", password, first_name="系统管理员")
    for username, role, where, full_name in DEMO_USERS:
        region = regions[where]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=password, first_name=full_name or "")
        if role == Role.RESIDENT and not hasattr(user, "resident"):
            resident = (
                Resident.objects.filter(region__path__startswith=region.path, user__isnull=True, birth_date__lte=dt.date(2000, 1, 1))
                .filter(status=Resident.Status.AWAY if username == "resident_away" else Resident.Status.RESIDENT)
                .order_by("id").first()
            )
            resident.user = user
            resident.save(update_fields=["user"])
            user.first_name = resident.name
            user.save(update_fields=["first_name"])
        if not RoleAssignment.objects.filter(user=user, role=role, region=region).exists():
            RoleAssignment.objects.create(user=user, role=role, region=region, starts_on=dt.date(2024, 1, 1))
        clear_cache(user)
        ctx.users[username] = user
    build_access(ctx, regions)


def build_access(ctx: DemoContext, regions) -> None:
    """Accounts and role terms (issue #18): every demo login has its account profile; the grid leader's term
    ends at the end of 2026; a former village assistant whose role ended; a grid leader proposed by the village
    secretary, waiting for the township head. Idempotent."""
    from . import actions
    from .models import AccountProfile

    User = get_user_model()
    profiles = {p.user_id for p in AccountProfile.objects.filter(user__in=ctx.users.values())}
    home = {}
    for username, role, where, _name in DEMO_USERS:
        home.setdefault(username, regions[where])
    AccountProfile.objects.bulk_create([AccountProfile(user=u, region=home[n]) for n, u in ctx.users.items()
                                        if u.pk not in profiles])
    RoleAssignment.objects.filter(user=ctx.users["grid_leader"], role=Role.GRID_LEADER, ends_on__isnull=True,
                                  status=RoleAssignment.Status.ACTIVE).update(ends_on=dt.date(2026, 12, 31))
    head, secretary, village = ctx.users["township_head"], ctx.users["village_secretary"], regions["village_a1"]

    def account(username, full_name, region):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=settings.DEMO_PASSWORD, first_name=full_name)
            AccountProfile.objects.create(user=user, region=region, created_by=head)
        return user

    former = account("former_assistant", "原村助理 郑雪", village)
    if not RoleAssignment.objects.filter(user=former).exists():
        a = actions.role_grant(actor=head, user=former, role=Role.VILLAGE_ASSISTANT, region=village,
                               starts_on=dt.date(2023, 3, 1), note="2023 年选派")
        actions.role_end(actor=head, assignment_id=a.pk, reason="调回原单位")
    proposed = account("grid_candidate", "网格员候选 何平", village)
    if not RoleAssignment.objects.filter(user=proposed).exists():
        actions.role_propose(actor=secretary, user=proposed, role=Role.GRID_LEADER, region=regions["group_a1"],
                             note="第1村民小组网格长人选")


def seed(*, residents: int, stdout=None) -> DemoContext:
    rng = random.Random(20261129)
    with transaction.atomic():
        county = Region.objects.filter(level=Region.Level.COUNTY).first()
        if county is None:
            if stdout:
                stdout.write("生成区域树 …")
            county = build_regions(rng)
        ctx = DemoContext(rng=rng, county=county, stdout=stdout)
        existing = Resident.objects.count()
        if existing < residents:
            if stdout:
                stdout.write(f"生成居民 {residents - existing} 人 …")
            build_people(random.Random(20261129 + existing), residents - existing, stdout)
        build_users(ctx)
    for app in settings.DOMAIN_APPS:
        if find_spec(f"{app}.demo"):
            ctx.rng = random.Random(f"{app}-20261129")
            if stdout:
                stdout.write(f"生成 {app} 演示数据 …")
            with transaction.atomic():
                import_module(f"{app}.demo").seed(ctx)
    if stdout:
        stdout.write("汇总数据看板 …")
    from . import dashboard

    dashboard.refresh()  # beat refreshes it every 15 minutes; the first look should not wait for it
    return ctx
