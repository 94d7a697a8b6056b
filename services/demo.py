"""services/ in the demo county: menus, units, orders at every stage, micro-works since 2019 with their
funds, service centers, volunteer teams, double reporting, errands and wishes. Idempotent, bulk-inserted.

Money is consistent by construction: each allocation is taken from what its fund has left, each
expenditure from what its allocation has left, and the funds' running totals are set from the rows.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from centers.models import Unit, WorkCategory
from governance.models import Region, Resident, RoleAssignment
from governance.scoping import Role

from .models import (
    Allocation, Errand, ErrandEvent, Expenditure, Fund, JointActivity, LinkageHeading, MemberReport, MenuItem,
    HardshipGroup, HardshipRecord, MicroWish, MicroWork, MicroWorkEvent, Open311Key, Order, OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport,
    Volunteer, VolunteerActivity, VolunteerHour, VolunteerTeam,
)

N_ORDERS = 3000
N_WORKS = 4700
N_TEAMS = 264
N_CENTER_PROJECTS = 52
CENTER_INVESTMENT_FEN = 780_000_00  # 780万元 since 2019
FIRST_YEAR = 2019

# (category code, title, description, units' kinds)
MENU = [
    ("road_repair", "村组道路坑洼修补", "对通组道路、入户路的坑洼、破损进行修补。"),
    ("street_lights", "路灯报修", "村内公共路灯不亮、损坏的维修更换。"),
    ("water_irrigation", "农田灌溉设施维修", "沟渠清淤、泵站和灌溉管道维修。"),
    ("environment", "垃圾清运与环境整治", "房前屋后、沟塘河道的垃圾清运和环境整治。"),
    ("elderly_care", "独居老人上门探访", "为独居、空巢老人上门探访、代购生活用品。"),
    ("legal_aid", "法律咨询上门服务", "律师进村提供法律咨询、代写文书。"),
    ("social_insurance", "医保社保政策上门讲解", "上门讲解城乡居民医保、养老保险政策并协助办理。"),
    ("assistance", "困难家庭帮扶", "为困难家庭对接救助政策和社会帮扶资源。"),
    ("industry", "农技指导", "种养殖技术指导、病虫害防治。"),
    ("education_culture", "留守儿童课业辅导", "周末和假期为留守儿童辅导作业、开展活动。"),
    ("dispute_mediation", "邻里纠纷调解", "宅基地、邻里之间矛盾纠纷的调解。"),
    ("public_safety", "用电安全隐患排查", "入户排查老旧线路和用电安全隐患。"),
    ("mass_request", "家电维修", "为群众上门维修常用家电。"),
    ("party_service", "义诊进村", "组织医务人员进村免费体检、义诊。"),
]
UNIT_NAMES = [
    ("县供电公司", Unit.Kind.STATE_FIRM), ("县自来水公司", Unit.Kind.STATE_FIRM), ("县交通运输局", Unit.Kind.AGENCY),
    ("县农业农村局", Unit.Kind.AGENCY), ("县人社局", Unit.Kind.AGENCY), ("县医保局", Unit.Kind.AGENCY),
    ("县司法局", Unit.Kind.AGENCY), ("县民政局", Unit.Kind.AGENCY), ("县卫健委", Unit.Kind.AGENCY),
    ("县教育局", Unit.Kind.AGENCY), ("县农商银行", Unit.Kind.FINANCIAL), ("县邮政分公司", Unit.Kind.STATE_FIRM),
    ("县移动分公司", Unit.Kind.STATE_FIRM), ("县人民医院", Unit.Kind.AGENCY), ("县中医院", Unit.Kind.AGENCY),
    ("县律师协会", Unit.Kind.SOCIAL_ORG), ("县志愿者协会", Unit.Kind.SOCIAL_ORG), ("县红十字会", Unit.Kind.SOCIAL_ORG),
]
PRIVATE_WORDS = "鑫源 恒达 宏图 金穗 绿野 惠民 安康 顺通 华兴 瑞丰 祥和 聚力 兴农 永安 德信 众诚".split()
PRIVATE_KINDS = ["建筑工程有限公司", "农业科技有限公司", "家电维修服务部", "物业服务有限公司", "电气安装有限公司"]
WORK_TITLES = {
    "road_repair": ["修复村道", "硬化入户路", "修补通组道路", "修建便民桥"],
    "street_lights": ["安装路灯", "更换太阳能路灯", "维修村内路灯"],
    "water_irrigation": ["清淤沟渠", "维修灌溉泵站", "新建饮水井"],
    "environment": ["整治村内坑塘", "建设垃圾收集点", "清理河道垃圾"],
    "legal_aid": ["司法亲子鉴定援助", "法律援助费用补助"],
    "elderly_care": ["为独居老人安装扶手", "老年活动室添置设施"],
    "education_culture": ["建设农家书屋", "修缮文化广场"],
}
ACTIVITY_TITLES = ["清扫村道", "义务植树", "关爱留守儿童", "文明劝导", "防汛巡查", "疫情防控值守", "敬老院慰问",
                   "秸秆禁烧宣传", "创文创卫志愿服务", "政策宣讲"]
ERRANDS = [
    (Errand.Kind.SOCIAL_INSURANCE, ["城乡居民医保缴费", "养老保险资格认证", "医保异地备案"]),
    (Errand.Kind.CERTIFICATE, ["办理居住证明", "补办身份证", "不动产登记咨询"]),
    (Errand.Kind.SUBSIDY, ["耕地地力保护补贴申领", "残疾人两项补贴申请", "高龄津贴申请"]),
    (Errand.Kind.HOUSEHOLD, ["新生儿落户", "户口迁移"]),
    (Errand.Kind.OTHER, ["营业执照办理", "农机购置补贴咨询"]),
]
HARDSHIP_NOTES = {"dibao": "家庭收入低于低保标准，按月领取低保金", "tekun": "无劳动能力、无赡养人，集中供养",
                  "disabled": "肢体残疾，行动不便", "left_elder": "子女在外务工，独居", "left_child": "父母在外务工，随祖辈生活"}
WISHES = ["一台轮椅", "一套学习用品", "冬季棉被", "助听器", "一辆电动三轮车", "孩子的新书包", "老花镜", "电暖器"]


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(ctx) -> None:
    if MenuItem.objects.exists():
        ctx.log("  services：已有演示数据，跳过")
        return
    rng = ctx.rng
    townships = list(ctx.townships())
    villages = list(ctx.villages())
    categories = {c.code: c for c in WorkCategory.objects.all()}
    units_by_township = _units(ctx, townships)
    items = _menu(ctx, townships, categories, units_by_township)
    _orders(ctx, items, villages)
    funds = _funds(ctx, villages)
    _micro_works(ctx, villages, categories, funds)
    _centers(ctx, villages)
    _volunteers(ctx, villages, townships)
    _reporting(ctx, villages, units_by_township)
    _errands_and_wishes(ctx, villages)
    key, raw = Open311Key.issue(name="县12345热线（演示）", region=townships[2])
    ctx.log(f"  services：Open311 演示密钥（{key.region.name}）{raw}")
    del rng


def _units(ctx, townships) -> dict[int, list[Unit]]:
    """About 100 co-building units: county agencies and firms serving every township, local firms per township."""
    rng = ctx.rng
    county = ctx.county
    existing = set(Unit.objects.values_list("name", flat=True))
    new = [Unit(name=name, kind=kind, region=county, contact_name="联络员") for name, kind in UNIT_NAMES
           if name not in existing]
    for t in townships:
        for i in range(7):
            name = f"{t.name}{PRIVATE_WORDS[(i * 5 + t.pk) % len(PRIVATE_WORDS)]}{PRIVATE_KINDS[i % len(PRIVATE_KINDS)]}"
            if name not in existing and Unit.objects.count() + len(new) < 100 + len(existing):
                new.append(Unit(name=name, kind=rng.choice([Unit.Kind.PRIVATE_FIRM, Unit.Kind.SOCIAL_ORG]),
                                region=t, address=f"{t.name}人民路{rng.randint(1, 200)}号"))
                existing.add(name)
    Unit.objects.bulk_create(new)
    county_units = list(Unit.objects.filter(region=county, active=True).order_by("pk"))
    by_township = {t.pk: county_units + list(Unit.objects.filter(region=t, active=True).order_by("pk")) for t in townships}
    # The demo unit staff work for a unit that serves their subdistrict (their role's region).
    for username in ("unit_staff", "unit_staff_2"):
        user = ctx.users.get(username)
        if user is None:
            continue
        region = RoleAssignment.objects.filter(user=user, role=Role.UNIT_STAFF).values_list("region", flat=True).first()
        local = [u for u in by_township.get(region, []) if u.region_id == region]
        if local:
            local[0].staff.add(user)
    return by_township


def _menu(ctx, townships, categories, units_by_township) -> list[MenuItem]:
    rng = ctx.rng
    items, unit_links = [], []
    start = timezone.now() - dt.timedelta(days=400)
    for t_index, t in enumerate(townships):
        picks = [MENU[(t_index * 3 + k) % len(MENU)] for k in range(4)] + ([MENU[13]] if t_index < 2 else [])
        for k, (code, title, description) in enumerate(picks):
            items.append(MenuItem(township=t, category=categories[code], code=f"{t.path}-{code}", title=title,
                                  description=description, dispatch_hours=24, accept_hours=rng.choice([12, 24, 48]),
                                  work_hours=rng.choice([72, 120, 168]), created_at=start))
    # One withdrawn item per two townships: orders placed before keep it as it was.
    for item in items[3::8]:
        item.status, item.withdrawn_at = MenuItem.Status.WITHDRAWN, timezone.now() - dt.timedelta(days=30)
    MenuItem.objects.bulk_create(items)
    items = list(MenuItem.objects.select_related("category").order_by("pk"))
    Through = MenuItem.units.through
    for item in items:
        pool = units_by_township[item.township_id]
        local = [u for u in pool if u.region_id == item.township_id]
        chosen = {*rng.sample(pool, min(3, len(pool))), *(local[:1])}
        unit_links += [Through(menuitem_id=item.pk, unit_id=u.pk) for u in chosen]
    Through.objects.bulk_create(unit_links)
    ctx.log(f"  services：服务清单 {len(items)} 项")
    return items


STAGES = [  # (final status, weight)
    (Order.Status.CONFIRMED, 55), (Order.Status.COMPLETED, 8), (Order.Status.ACCEPTED, 12),
    (Order.Status.DISPATCHED, 8), (Order.Status.PLACED, 12), (Order.Status.CANCELLED, 5),
]
CHAIN = [Order.Status.PLACED, Order.Status.DISPATCHED, Order.Status.ACCEPTED, Order.Status.COMPLETED,
         Order.Status.CONFIRMED]
NOTES = ["家门口路灯不亮一个多月了", "老人独居，想请人上门看看", "田里的水渠堵了", "路上有个大坑，电动车经过很危险",
         "家里线路老化，担心安全", "孩子暑假想有人辅导作业", "和邻居因为排水沟起了矛盾", "想咨询一下医保报销"]


def _orders(ctx, items, villages) -> None:
    rng = ctx.rng
    now = timezone.now()
    residents_by_township: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pk, region_id, path in Resident.objects.values_list("pk", "region_id", "region__path").order_by("pk"):
        residents_by_township[path[:9]].append((pk, region_id))
    units_of = defaultdict(list)
    for item_id, unit_id in MenuItem.units.through.objects.values_list("menuitem_id", "unit_id"):
        units_of[item_id].append(unit_id)
    staff_of = defaultdict(list)
    for unit_id, user_id in Unit.staff.through.objects.values_list("unit_id", "user_id"):
        staff_of[unit_id].append(user_id)
    resident_user = ctx.users.get("resident")
    own = getattr(resident_user, "resident", None) if resident_user else None
    orders, plans = [], []
    weights = [w for _, w in STAGES]
    for n in range(N_ORDERS):
        item = rng.choice(items)
        pool = residents_by_township.get(item.township.path)
        if not pool:
            continue
        resident_id, region_id = rng.choice(pool)
        placed_by = None
        if own is not None and n < 4:  # the demo villager's own orders, at different stages
            item = next(i for i in items if i.township_id == own.region.ancestor_at(2).pk and i.status == "active")
            resident_id, region_id, placed_by = own.pk, own.region_id, resident_user.pk
        final = rng.choices([s for s, _ in STAGES], weights)[0] if placed_by is None else \
            [Order.Status.COMPLETED, Order.Status.ACCEPTED, Order.Status.PLACED, Order.Status.CONFIRMED][n]
        if item.status == MenuItem.Status.WITHDRAWN and final not in (Order.Status.CONFIRMED, Order.Status.CANCELLED):
            final = Order.Status.CONFIRMED
        created = now - dt.timedelta(days=rng.uniform(0.2, 360)) if final in (Order.Status.CONFIRMED, Order.Status.CANCELLED) \
            else now - dt.timedelta(hours=rng.uniform(2, 24 * 12))
        unit_id = rng.choice(units_of[item.pk])
        steps = [Order.Status.PLACED] if final == Order.Status.CANCELLED else CHAIN[: CHAIN.index(final) + 1]
        times, t = [], created
        for _ in steps:
            times.append(t)
            t = t + dt.timedelta(hours=rng.uniform(1, 30))
        deadline_hours = {Order.Status.PLACED: item.dispatch_hours, Order.Status.DISPATCHED: item.accept_hours,
                          Order.Status.ACCEPTED: item.work_hours, Order.Status.COMPLETED: 24 * 7}
        rating = None
        if final == Order.Status.CONFIRMED:
            rating = rng.choices([5, 4, 3, 2, 1], [62, 25, 8, 3, 2])[0]
        orders.append(Order(
            number=f"{created:%Y%m%d}{n:06d}", item=item, item_title=item.title, item_description=item.description,
            category_name=item.category.name, work_hours=item.work_hours, accept_hours=item.accept_hours,
            dispatch_hours=item.dispatch_hours, region_id=region_id, resident_id=resident_id, placed_by_id=placed_by,
            channel=Order.Channel.PORTAL if placed_by or rng.random() < 0.6 else Order.Channel.GRID,
            note=rng.choice(NOTES), status=final, unit_id=unit_id if final in CHAIN[1:] else None,
            accepted_by_id=(staff_of[unit_id] or [None])[0] if final in CHAIN[2:] else None,
            stage_deadline=(times[-1] + dt.timedelta(hours=deadline_hours[final])) if final in deadline_hours else None,
            completion_note="已按要求办理完毕" if final in CHAIN[3:] else "",
            rating=rating, rating_comment=rng.choice(["很及时", "态度好", "满意", "还可以", ""]) if rating else "",
            created_at=created, updated_at=times[-1], closed_at=times[-1] if final in (Order.Status.CONFIRMED,
                                                                                       Order.Status.CANCELLED) else None,
        ))
        plans.append((steps, times, unit_id, placed_by))
    Order.objects.bulk_create(orders, batch_size=1000)
    numbers = dict(Order.objects.values_list("number", "pk"))
    events = []
    for order, (steps, times, unit_id, placed_by) in zip(orders, plans):
        pk = numbers[order.number]
        previous = ""
        for status, at in zip(steps, times):
            events.append(OrderEvent(order_id=pk, from_status=previous, to_status=status, at=at,
                                     unit_id=unit_id if status != Order.Status.PLACED else None,
                                     actor_id=placed_by if status in (Order.Status.PLACED, Order.Status.CONFIRMED) else None))
            previous = status
        if order.status == Order.Status.CANCELLED:
            events.append(OrderEvent(order_id=pk, from_status=previous, to_status=Order.Status.CANCELLED,
                                     at=times[-1] + dt.timedelta(hours=1), actor_id=placed_by, note="问题已自行解决"))
    OrderEvent.objects.bulk_create(events, batch_size=5000)
    ctx.log(f"  services：订单 {len(orders)} 个，流转记录 {len(events)} 条")


def _funds(ctx, villages) -> dict:
    """Per village per year the provincial 6万元; per year the county's 150万元."""
    year_now = timezone.localdate().year
    rows = []
    for year in range(FIRST_YEAR, year_now + 1):
        rows += [Fund(name="省村级党组织服务群众专项经费", source=Fund.Source.PROVINCIAL_VILLAGE, region=v, year=year,
                      amount_fen=6_000_000) for v in villages]
        rows.append(Fund(name="县驻点联系服务群众专项资金", source=Fund.Source.COUNTY_LIAISON, region=ctx.county,
                         year=year, amount_fen=150_000_000))
    Fund.objects.bulk_create(rows, batch_size=2000)
    funds = {}
    for fund in Fund.objects.all():
        funds[(fund.source, fund.region_id, fund.year)] = fund
    return funds


def _micro_works(ctx, villages, categories, funds) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    years = list(range(FIRST_YEAR, today.year + 1))
    left = {key: fund.amount_fen for key, fund in funds.items()}
    works, plans = [], []
    codes = list(WORK_TITLES)
    for n in range(N_WORKS):
        year = years[n % len(years)]
        village = villages[rng.randrange(len(villages))]
        code = rng.choice(codes)
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365 if year < today.year else max(1, today.timetuple().tm_yday - 1)))
        budget = rng.randrange(200_000, 2_000_000, 100)  # 2千—2万元
        recent = (today - day).days < 120
        status = rng.choices([MicroWork.Status.PROPOSED, MicroWork.Status.APPROVED, MicroWork.Status.IN_PROGRESS,
                              MicroWork.Status.ACCEPTED], [3, 3, 4, 2])[0] if recent else \
            rng.choices([MicroWork.Status.ACCEPTED, MicroWork.Status.REJECTED], [96, 4])[0]
        source = None
        if status in (MicroWork.Status.IN_PROGRESS, MicroWork.Status.ACCEPTED):
            for key in ((Fund.Source.PROVINCIAL_VILLAGE, village.pk, year), (Fund.Source.COUNTY_LIAISON, ctx.county.pk, year)):
                if left.get(key, 0) >= budget:
                    source, left[key] = key, left[key] - budget
                    break
            else:
                status = MicroWork.Status.APPROVED  # approved, waiting for money
        works.append(MicroWork(
            region=village, category=categories[code], title=f"{village.name}{rng.choice(WORK_TITLES[code])}",
            budget_fen=budget, status=status, proposed_at=_aware(day), decided_at=_aware(day + dt.timedelta(days=7))
            if status != MicroWork.Status.PROPOSED else None,
            decision_note="同意" if status != MicroWork.Status.REJECTED else "与已立项事项重复",
            accepted_at=_aware(day + dt.timedelta(days=45)) if status == MicroWork.Status.ACCEPTED else None,
            acceptance_note="工程质量合格，群众满意" if status == MicroWork.Status.ACCEPTED else "",
            is_public=status == MicroWork.Status.ACCEPTED,
        ))
        plans.append((source, day))
    MicroWork.objects.bulk_create(works, batch_size=2000)
    if works and works[0].pk is None:  # every supported backend returns ids from bulk_create
        raise RuntimeError("bulk_create did not return ids")
    allocations, events, work_ids = [], [], []
    for work, (source, day) in zip(works, plans):
        events.append(MicroWorkEvent(work_id=work.pk, to_status=MicroWork.Status.PROPOSED, at=work.proposed_at))
        if work.decided_at:
            to = MicroWork.Status.REJECTED if work.status == MicroWork.Status.REJECTED else MicroWork.Status.APPROVED
            events.append(MicroWorkEvent(work_id=work.pk, from_status="proposed", to_status=to, at=work.decided_at))
        if work.status in (MicroWork.Status.IN_PROGRESS, MicroWork.Status.ACCEPTED):
            events.append(MicroWorkEvent(work_id=work.pk, from_status="approved", to_status="in_progress",
                                         at=_aware(day + dt.timedelta(days=10))))
        if work.status == MicroWork.Status.ACCEPTED:
            events.append(MicroWorkEvent(work_id=work.pk, from_status="in_progress", to_status="accepted",
                                         at=work.accepted_at))
        if source:
            spent = work.budget_fen if work.status == MicroWork.Status.ACCEPTED else work.budget_fen // 2
            allocations.append(Allocation(fund_id=funds[source].pk, work_id=work.pk, amount_fen=work.budget_fen,
                                          spent_fen=spent, approved_at=_aware(day + dt.timedelta(days=8))))
            work_ids.append((day, spent))
    MicroWorkEvent.objects.bulk_create(events, batch_size=5000)
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    expenditures = []
    for alloc, (day, spent) in zip(allocations, work_ids):
        first = spent // 2 if spent > 100_000 else spent
        parts = [first, spent - first] if spent - first > 0 else [first]
        for i, amount in enumerate(parts):
            expenditures.append(Expenditure(allocation_id=alloc.pk, amount_fen=amount, payee=rng.choice(
                ["村建筑队", "灯具厂", "建材商店", "劳务合作社"]), purpose="材料和人工",
                receipt_number=f"FP{day:%Y%m}{alloc.pk:06d}{i}", spent_on=day + dt.timedelta(days=20 + 15 * i),
                recorded_at=_aware(day + dt.timedelta(days=20 + 15 * i))))
    Expenditure.objects.bulk_create(expenditures, batch_size=5000)
    _refresh_fund_totals()
    ctx.log(f"  services：微实事 {len(works)} 件，资金安排 {len(allocations)} 笔，支出 {len(expenditures)} 笔")


def _refresh_fund_totals() -> None:
    """Set each fund's running totals from its rows (set-based)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    by_fund = Allocation.objects.filter(fund=OuterRef("pk")).values("fund")
    Fund.objects.update(
        allocated_fen=Coalesce(Subquery(by_fund.annotate(s=Sum("amount_fen")).values("s")), 0),
        spent_fen=Coalesce(Subquery(by_fund.annotate(s=Sum("spent_fen")).values("s")), 0),
    )


def _centers(ctx, villages) -> None:
    """Every village's service center; 52 rebuilt or upgraded since 2019 for 780万元 in all."""
    rng = ctx.rng
    ServiceCenterFacility.objects.bulk_create([
        ServiceCenterFacility(village=v, name=f"{v.name}党群服务中心", floor_area_m2=rng.randrange(200, 900, 10),
                              built_year=rng.randint(2008, 2018)) for v in villages])
    facilities = list(ServiceCenterFacility.objects.select_related("village").order_by("?")[:N_CENTER_PROJECTS])
    facilities.sort(key=lambda f: f.village.path)
    shares = [rng.randint(8, 22) for _ in facilities]
    amounts = [CENTER_INVESTMENT_FEN * s // sum(shares) for s in shares]
    amounts[-1] += CENTER_INVESTMENT_FEN - sum(amounts)
    years = list(range(FIRST_YEAR, timezone.localdate().year))
    per_year = defaultdict(int)
    plan = []
    for i, (facility, amount) in enumerate(zip(facilities, amounts)):
        year = years[i % len(years)]
        per_year[year] += amount
        plan.append((facility, amount, year))
    Fund.objects.bulk_create([Fund(name="党群服务中心建设资金", source=Fund.Source.CENTER_CONSTRUCTION, region=ctx.county,
                                   year=y, amount_fen=a) for y, a in per_year.items()])
    fund_of = {f.year: f for f in Fund.objects.filter(source=Fund.Source.CENTER_CONSTRUCTION)}
    works = [MicroWork(region=f.village, kind=MicroWork.Kind.CENTER_PROJECT, facility=f,
                       title=f"{f.name}{rng.choice(['重建', '升级改造'])}", budget_fen=amount,
                       status=MicroWork.Status.ACCEPTED, proposed_at=_aware(dt.date(year, 3, 1)),
                       decided_at=_aware(dt.date(year, 3, 20)), decision_note="同意",
                       accepted_at=_aware(dt.date(year, 11, 30)), acceptance_note="竣工验收合格", is_public=True)
             for f, amount, year in plan]
    MicroWork.objects.bulk_create(works)
    allocations = [Allocation(fund=fund_of[year], work_id=w.pk, amount_fen=amount, spent_fen=amount,
                              approved_at=_aware(dt.date(year, 3, 21))) for w, (f, amount, year) in zip(works, plan)]
    Allocation.objects.bulk_create(allocations)
    Expenditure.objects.bulk_create([Expenditure(allocation_id=a.pk, amount_fen=a.amount_fen, payee="县城建工程有限公司",
                                                 purpose="工程款", receipt_number=f"GC{a.pk:06d}",
                                                 spent_on=dt.date(year, 12, 10)) for a, (_, _, year) in zip(allocations, plan)])
    _refresh_fund_totals()
    ctx.log(f"  services：党群服务中心 {len(villages)} 个，建设项目 {len(works)} 个")


def _volunteers(ctx, villages, townships) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    homes = [*villages[: N_TEAMS - len(townships)], *townships][:N_TEAMS]
    while len(homes) < N_TEAMS:
        homes.append(rng.choice(villages))
    teams = [VolunteerTeam(name=f"{r.name}党员志愿服务队" + (f"第{i + 1}分队" if i else ""), region=r,
                           leader_name=ctx_name(rng), founded_on=dt.date(rng.randint(2019, 2023), rng.randint(1, 12), 1))
             for i, r in _numbered(homes)]
    VolunteerTeam.objects.bulk_create(teams)
    members = []
    for team in teams:
        names = {ctx_name(rng) for _ in range(rng.randint(10, 22))}
        members += [Volunteer(team_id=team.pk, name=name, joined_on=team.founded_on) for name in sorted(names)]
    Volunteer.objects.bulk_create(members, batch_size=5000)
    by_team = defaultdict(list)
    for pk, team_id in Volunteer.objects.values_list("pk", "team_id"):
        by_team[team_id].append(pk)
    activities, plans = [], []
    for team in teams:
        for _ in range(rng.randint(4, 10)):
            day = today - dt.timedelta(days=rng.randrange(1, 540))
            activities.append(VolunteerActivity(team_id=team.pk, title=rng.choice(ACTIVITY_TITLES), held_on=day,
                                                place=team.region.name))
            plans.append(rng.sample(by_team[team.pk], min(len(by_team[team.pk]), rng.randint(4, 10))))
    VolunteerActivity.objects.bulk_create(activities, batch_size=5000)
    hours = [VolunteerHour(activity_id=a.pk, volunteer_id=v, hours=Decimal(rng.choice(["1.5", "2", "2.5", "3", "4"])))
             for a, vs in zip(activities, plans) for v in vs]
    VolunteerHour.objects.bulk_create(hours, batch_size=5000)
    ctx.log(f"  services：志愿服务队 {len(teams)} 支，队员 {len(members)} 人，活动 {len(activities)} 次")


def _numbered(regions):
    seen = defaultdict(int)
    for r in regions:
        yield seen[r.pk], r
        seen[r.pk] += 1


def ctx_name(rng) -> str:
    from governance.demo import person_name

    return person_name(rng)


def _reporting(ctx, villages, units_by_township) -> None:
    """单位双报到 with 六联动 activities; in-service party members (with logins) reporting and logging hours."""
    rng = ctx.rng
    today = timezone.localdate()
    village_by_township = defaultdict(list)
    for v in villages:
        village_by_township[v.parent_id].append(v)
    reports, seen = [], set()
    for township_id, units in units_by_township.items():
        for unit in units:
            for v in rng.sample(village_by_township[township_id], min(2, len(village_by_township[township_id]))):
                if (unit.pk, v.pk) not in seen:
                    seen.add((unit.pk, v.pk))
                    reports.append(UnitReport(unit=unit, community=v, reported_at=dt.date(rng.randint(2019, 2025), 3, 1),
                                              commitments="结对共建，定期进村开展服务"))
    UnitReport.objects.bulk_create(reports, batch_size=2000)
    headings = LinkageHeading.values
    JointActivity.objects.bulk_create([
        JointActivity(report_id=r.pk, heading=rng.choice(headings), title=rng.choice(ACTIVITY_TITLES),
                      held_on=today - dt.timedelta(days=rng.randrange(1, 400)), participants=rng.randint(8, 60))
        for r in reports for _ in range(rng.randint(0, 3))], batch_size=5000)
    User = get_user_model()
    existing = set(User.objects.filter(username__startswith="pm_").values_list("username", flat=True))
    people = []
    for i in range(400):
        name = f"pm_{i:04d}"
        if name not in existing:
            people.append(User(username=name, first_name=ctx_name(rng), password="!demo-no-login"))
    User.objects.bulk_create(people)
    members = list(User.objects.filter(username__startswith="pm_").order_by("username"))
    workplaces = [n for n, _ in UNIT_NAMES]
    mreports = [MemberReport(member=u, name=u.first_name, workplace=rng.choice(workplaces),
                             community=villages[rng.randrange(len(villages))],
                             reported_at=dt.date(rng.randint(2019, 2025), rng.randint(1, 12), 1)) for u in members]
    MemberReport.objects.bulk_create(mreports)
    ServiceHour.objects.bulk_create([
        ServiceHour(report_id=r.pk, served_on=today - dt.timedelta(days=rng.randrange(1, 500)),
                    hours=Decimal(rng.choice(["1", "2", "2.5", "3", "4"])), activity=rng.choice(ACTIVITY_TITLES))
        for r in mreports for _ in range(rng.randint(1, 8))], batch_size=5000)
    ctx.log(f"  services：单位报到 {len(reports)} 条，党员报到 {len(mreports)} 人")


def _errands_and_wishes(ctx, villages) -> None:
    """Errands need an assistant (村助理): the demo ones, plus one per village without (287 recruited county-wide)."""
    rng = ctx.rng
    User = get_user_model()
    have = set(RoleAssignment.objects.filter(role=Role.VILLAGE_ASSISTANT, active=True).values_list("region_id", flat=True))
    new_users = [User(username=f"assistant_{v.code}", first_name=f"村助理{ctx_name(rng)}", password="!demo-no-login")
                 for v in villages if v.pk not in have]
    User.objects.bulk_create(new_users)
    by_name = {u.username: u for u in User.objects.filter(username__startswith="assistant_")}
    RoleAssignment.objects.bulk_create([RoleAssignment(user=by_name[f"assistant_{v.code}"], role=Role.VILLAGE_ASSISTANT,
                                                       region=v) for v in villages if v.pk not in have])
    assistant_of = dict(RoleAssignment.objects.filter(role=Role.VILLAGE_ASSISTANT, active=True)
                        .values_list("region__path", "user_id"))
    residents = list(Resident.objects.values_list("pk", "region_id", "region__path").order_by("?")[:2200])
    now = timezone.now()
    errands, plans = [], []
    for pk, region_id, path in residents[:1600]:
        kind, titles = rng.choice(ERRANDS)
        received = now - dt.timedelta(days=rng.uniform(0.5, 300))
        status = rng.choices([Errand.Status.RECEIVED, Errand.Status.SUBMITTED, Errand.Status.DONE, Errand.Status.RETURNED],
                             [8, 12, 75, 5])[0]
        errands.append(Errand(resident_id=pk, region_id=region_id, kind=kind, title=rng.choice(titles),
                              assistant_id=assistant_of[path[:12]], status=status, received_at=received,
                              done_at=received + dt.timedelta(days=rng.randint(1, 10))
                              if status in (Errand.Status.DONE, Errand.Status.RETURNED) else None,
                              result="已办结，材料已交本人" if status == Errand.Status.DONE
                              else ("材料不全，已告知补齐" if status == Errand.Status.RETURNED else "")))
        plans.append(status)
    Errand.objects.bulk_create(errands, batch_size=2000)
    events = []
    for e, status in zip(errands, plans):
        events.append(ErrandEvent(errand_id=e.pk, to_status=Errand.Status.RECEIVED, actor_id=e.assistant_id, at=e.received_at))
        if status != Errand.Status.RECEIVED:
            events.append(ErrandEvent(errand_id=e.pk, from_status="received", to_status=Errand.Status.SUBMITTED,
                                      actor_id=e.assistant_id, at=e.received_at + dt.timedelta(hours=20)))
        if status in (Errand.Status.DONE, Errand.Status.RETURNED):
            events.append(ErrandEvent(errand_id=e.pk, from_status="submitted", to_status=status, actor_id=e.assistant_id,
                                      at=e.done_at, note=e.result))
    ErrandEvent.objects.bulk_create(events, batch_size=5000)
    # 困难群体名册: the wish-makers are in the village's register (a group each, a review date a year on from
    # when it was established — some now due, a few ended); each wish carries its maker's group.
    records, group_of = [], {}
    today = timezone.localdate()
    for pk, region_id, path in residents[1600:2200]:
        group = rng.choices(HardshipGroup.values, [30, 10, 20, 25, 15])[0]
        since = today - dt.timedelta(days=rng.randint(60, 1000))
        ended = rng.random() < 0.05
        records.append(HardshipRecord(
            resident_id=pk, group=group, since=since, review_due=since + dt.timedelta(days=365 * max(1, (today - since).days // 365)),
            note=HARDSHIP_NOTES[group], recorded_by_id=assistant_of[path[:12]],
            ended_at=now - dt.timedelta(days=rng.randint(1, 50)) if ended else None,
            end_reason="家庭情况好转，经复核退出" if ended else ""))
        group_of[pk] = "" if ended else group
    HardshipRecord.objects.bulk_create(records, batch_size=2000)
    wishes = []
    for pk, region_id, path in residents[1600:2200]:
        status = rng.choices([MicroWish.Status.POSTED, MicroWish.Status.CLAIMED, MicroWish.Status.FULFILLED,
                              MicroWish.Status.CONFIRMED], [15, 10, 10, 65])[0]
        wishes.append(MicroWish(region_id=region_id, resident_id=pk, title=rng.choice(WISHES), status=status,
                                group=group_of[pk],
                                posted_at=now - dt.timedelta(days=rng.uniform(1, 400)),
                                claimed_by_id=assistant_of[path[:12]] if status != MicroWish.Status.POSTED else None,
                                fulfilled_note="已送到心愿人家中" if status in (MicroWish.Status.FULFILLED,
                                                                                MicroWish.Status.CONFIRMED) else ""))
    MicroWish.objects.bulk_create(wishes, batch_size=2000)
    ctx.log(f"  services：代办 {len(errands)} 件，微心愿 {len(wishes)} 个，困难群体登记 {len(records)} 人")
