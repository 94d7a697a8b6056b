"""departments/ in the demo county: ~12 line departments with staff, the 事项清单 linked to the issue
categories, every co-building unit with its supervising department, and six months of matters that reached
the county — routed, accepted, handed back and reassigned, co-handled, reported, confirmed by the township,
some overdue — with 督办 (one escalated) and 吹哨报到 (one department late). Idempotent, bulk."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from centers.models import Unit, WorkCategory
from governance.models import Region, RoleAssignment
from governance.scoping import Role, clear_cache
from grids.models import EscalationLevel, Issue, IssueEvent, IssueStatus, Severity

from .models import (
    AssignmentEvent,
    CatalogueCategory,
    Department,
    DepartmentAssignment,
    DepartmentStaff,
    HandlingLevel,
    MatterCatalogueItem,
    StationedCadre,
    StationedVisit,
    Supervision,
    UnitSupervisor,
    Whistle,
    WhistleCall,
)

# code, name, duties, duty phone, staff username, staff name
DEPARTMENTS = [
    ("transport", "县交通运输局", "农村公路建设养护、客运站点、桥梁安全", "0558-1200101", "dept_transport", "交通局 钱军"),
    ("water", "县水利局", "农田水利、山塘水库、防汛抗旱、农村饮水", "0558-1200102", "dept_water", "水利局 郑海"),
    ("power", "国网县供电公司", "农村电网、线路故障抢修、路灯供电", "0558-1200103", "dept_power", "供电公司 冯亮"),
    ("civil_affairs", "县民政局", "低保特困、临时救助、养老服务、殡葬管理", "0558-1200104", "dept_civil", "民政局 褚红"),
    ("health", "县卫生健康委员会", "乡村医疗、家庭医生签约、公共卫生", "0558-1200105", "dept_health", "卫健委 卫兰"),
    ("police", "县公安局", "治安隐患、交通安全、户籍", "0558-1200106", "dept_police", "公安局 蒋涛"),
    ("natural_resources", "县自然资源和规划局", "宅基地、国土空间规划、地质灾害防治", "0558-1200107", "dept_land", "自然资源局 沈洁"),
    ("housing", "县住房和城乡建设局", "农村危房改造、村庄建设、燃气安全", "0558-1200108", "dept_housing", "住建局 韩梅"),
    ("agriculture", "县农业农村局", "产业发展、农技推广、农村集体经济", "0558-1200109", "dept_agri", "农业农村局 杨帆"),
    ("hrss", "县人力资源和社会保障局", "养老保险、医保参保、劳动保障监察", "0558-1200110", "dept_hrss", "人社局 朱琳"),
    ("education", "县教育局", "义务教育、留守儿童、校车安全", "0558-1200111", "dept_education", "教育局 秦峰"),
    ("justice", "县司法局", "法律援助、人民调解指导、普法", "0558-1200112", "dept_justice", "司法局 许静"),
    ("ecology", "市生态环境局县分局", "河塘污染、畜禽养殖污染、环境执法", "0558-1200113", "dept_ecology", "生态环境分局 何平"),
]

# name, level, department code, SLA days, plain words, category codes
CATALOGUE = [
    ("农村公路和桥梁维修", "county", "transport", 15, "村道坑洼、桥面护栏坏了：告诉网格员，小修村里办，大修由县交通运输局来修，一般15天内修好。", ["road_repair"]),
    ("农田灌溉和山塘水库", "county", "water", 10, "渠道堵了、机井坏了、山塘渗水：县水利局负责，10天内处理；汛期险情当天到场。", ["water_irrigation"]),
    ("路灯和农村用电", "county", "power", 5, "路灯不亮、线路老化、停电：供电公司5天内修好，危险情况立即抢修。", ["street_lights"]),
    ("低保、救助和养老服务", "county", "civil_affairs", 20, "生活困难想申请低保、临时救助，老人没人照料：村里帮您填表，县民政局20天内答复。", ["assistance", "elderly_care"]),
    ("治安隐患", "county", "police", 3, "有危险的房子、夜里吵闹、可疑情况：告诉网格员，派出所3天内处理，紧急情况请打110。", ["public_safety"]),
    ("法律援助", "county", "justice", 10, "工资被拖欠、家里纠纷需要打官司：县司法局法律援助中心免费帮您，10天内联系您。", ["legal_aid"]),
    ("社保和医保", "county", "hrss", 10, "养老保险怎么交、医保报销有疑问：县人社局10天内答复，也可以到乡镇便民服务中心问。", ["social_insurance"]),
    ("上学和留守儿童", "county", "education", 10, "孩子上学远、留守儿童没人管：县教育局10天内协调。", ["education_culture"]),
    ("产业发展和农技服务", "county", "agriculture", 15, "种养殖技术、合作社销路：县农业农村局15天内派人指导。", ["industry"]),
    ("宅基地和建房审批", "county", "natural_resources", 20, "想盖房子：先向村里申请，乡镇审核，县自然资源和规划局20个工作日内批复。", []),
    ("农村危房改造", "county", "housing", 30, "住房有危险：村里上报，县住建局30天内鉴定并安排改造。", []),
    ("家庭医生和乡村医疗", "county", "health", 7, "签家庭医生、村卫生室缺药：县卫健委7天内解决。", []),
    ("河塘和养殖污染", "county", "ecology", 10, "河塘发臭、养殖场排污：生态环境分局10天内查处。", []),
    ("邻里小纠纷", "village", None, 3, "邻里吵架、小矛盾：先找网格员和村调解委员会，一般3天内调解。", ["dispute_mediation"]),
    ("村里环境卫生", "village", None, 3, "垃圾没清运、房前屋后脏乱：村里保洁员3天内清理。", ["environment"]),
    ("党员服务和志愿服务", "village", None, 5, "找党员帮忙、需要志愿者：村党组织5天内安排。", ["party_service", "volunteer_service", "mass_request"]),
    ("信访事项", "township", None, 15, "对政策有意见、反映问题：乡镇信访办15天内答复，不用跑县里。", ["petition"]),
]

TITLES = {
    "transport": ["进村道路塌陷", "桥梁护栏被撞断", "村道路面大面积破损"],
    "water": ["山塘坝体渗漏", "灌溉渠道被冲毁", "机井抽水泵损坏"],
    "power": ["村口变压器老化", "路灯线路短路", "低压线路离房屋太近"],
    "civil_affairs": ["因病致贫申请救助", "独居老人无人照料", "高龄津贴未到账"],
    "police": ["废弃房屋存在安全隐患", "夜间噪音扰民", "村口交通事故多发"],
    "justice": ["务工工资被拖欠", "赡养纠纷需法律援助"],
    "hrss": ["医保报销疑问", "养老保险断缴"],
    "education": ["留守儿童上学困难", "校车接送站点太远"],
    "agriculture": ["合作社销路困难", "大棚建设技术指导"],
}


def seed(ctx) -> None:
    departments = _departments(ctx)
    _catalogue(departments)
    _unit_supervisors(ctx, departments)
    _stationed_cadres(ctx, departments)
    if DepartmentAssignment.objects.exists():
        return
    _history(ctx, departments)
    _supervisions_and_whistles(ctx, departments)


def _departments(ctx) -> dict[str, Department]:
    User = get_user_model()
    county = ctx.county
    out = {}
    for code, name, duties, phone, username, full_name in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(code=code, defaults={"name": name, "duties": duties, "phone": phone})
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=settings.DEMO_PASSWORD, first_name=full_name)
        RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_STAFF, region=county)
        DepartmentStaff.objects.get_or_create(department=dept, user=user)
        clear_cache(user)
        ctx.users[username] = user
        out[code] = dept
    ctx.log(f"  县直部门 {len(out)} 个")
    return out


def _catalogue(departments) -> None:
    cats = {c.code: c for c in WorkCategory.objects.all()}
    for name, level, dept, days, words, codes in CATALOGUE:
        item, created = MatterCatalogueItem.objects.get_or_create(name=name, defaults={
            "level": level, "department": departments.get(dept), "sla_days": days, "plain_description": words})
        if created:
            CatalogueCategory.objects.bulk_create([CatalogueCategory(item=item, category=cats[c]) for c in codes
                                                   if c in cats and not CatalogueCategory.objects.filter(category=cats[c]).exists()])


def _unit_supervisors(ctx, departments) -> None:
    by_kind = {Unit.Kind.AGENCY: ["transport", "civil_affairs", "health", "education", "justice"],
               Unit.Kind.STATE_FIRM: ["power", "water", "transport"], Unit.Kind.PRIVATE_FIRM: ["agriculture", "hrss"],
               Unit.Kind.SOCIAL_ORG: ["civil_affairs", "justice"], Unit.Kind.FINANCIAL: ["agriculture"]}
    done = set(UnitSupervisor.objects.values_list("unit_id", flat=True))
    rows = []
    for i, (pk, kind) in enumerate(Unit.objects.order_by("pk").values_list("pk", "kind")):
        if pk not in done:
            codes = by_kind.get(kind, ["civil_affairs"])
            rows.append(UnitSupervisor(unit_id=pk, department=departments[codes[i % len(codes)]]))
    UnitSupervisor.objects.bulk_create(rows)


def _history(ctx, departments) -> None:
    """Six months of county matters: new issues that climbed to the county, each routed by the catalogue."""
    rng, now = ctx.rng, timezone.now()
    admin = ctx.users.get("county_admin") or get_user_model().objects.filter(is_superuser=True).first()
    routes = {link.category_id: (link.item_id, link.item.department_id, link.item.sla_days)
              for link in CatalogueCategory.objects.select_related("item").filter(item__level=HandlingLevel.COUNTY)}
    code_of = {d.pk: code for code, d in departments.items()}
    cats = [c for c in WorkCategory.objects.filter(pk__in=list(routes)).order_by("pk")]
    groups = list(Region.objects.filter(level=Region.Level.GROUP).order_by("path").values_list("pk", "path")[:400])
    path_pk = dict(Region.objects.filter(level__lte=Region.Level.VILLAGE).values_list("path", "pk"))
    if not cats or not groups:
        return
    townships = {t.path: t for t in Region.objects.filter(level=Region.Level.TOWNSHIP)}
    issues, plans = [], []
    for i in range(96):
        cat = cats[i % len(cats)]
        item_id, dept_id, days = routes[cat.pk]
        group_pk, path = groups[rng.randrange(len(groups))]
        created = now - dt.timedelta(days=rng.randint(3, 180), hours=rng.randint(0, 23))
        at_county = created + dt.timedelta(days=rng.randint(2, 6))
        fate = rng.choices(["confirmed", "confirmed_late", "reported", "accepted", "pending", "handed_back", "co_handled"],
                           weights=[34, 10, 8, 10, 6, 8, 8])[0]
        if at_county + dt.timedelta(days=days) > now and fate.startswith("confirmed"):
            fate = "accepted"
        closed = fate.startswith("confirmed") or fate == "co_handled"
        satisfied = rng.random() < 0.85
        status = (IssueStatus.CLOSED if satisfied else IssueStatus.REOPENED) if closed else (
            IssueStatus.RESOLVED if fate == "reported" else IssueStatus.IN_PROGRESS if fate != "pending" else IssueStatus.REPORTED)
        title = rng.choice(TITLES.get(code_of[dept_id], [f"{cat.name}问题"]))
        issues.append(Issue(title=title, description=f"网格上报：{title}，村、乡镇两级无法解决，提级到县。", category=cat,
                            severity=rng.choice([Severity.HARD, Severity.HARD, Severity.MAJOR]), region_id=group_pk,
                            village_id=path_pk[path[:12]], township_id=path_pk[path[:9]], reporter=admin,
                            level=EscalationLevel.COUNTY, status=status, created_at=created,
                            deadline=at_county + dt.timedelta(days=days),
                            resolved_at=at_county + dt.timedelta(days=rng.randint(2, days + 4)) if closed else None))
        plans.append((fate, item_id, dept_id, days, at_county))
    Issue.objects.bulk_create(issues)
    events, assignments, a_events = [], [], []
    reassign_to = {d.pk: departments["civil_affairs" if code_of[d.pk] != "civil_affairs" else "justice"].pk
                   for d in departments.values()}
    for issue, (fate, item_id, dept_id, days, at) in zip(issues, plans):
        events.append(IssueEvent(issue=issue, kind="reported", actor=admin, at=issue.created_at, to_status="reported",
                                 to_level=EscalationLevel.GRID))
        for lvl in (1, 2, 3):
            events.append(IssueEvent(issue=issue, kind="auto_escalated", at=issue.created_at + dt.timedelta(days=lvl * (at - issue.created_at).days / 3),
                                     from_status="accepted", to_status="reported", from_level=lvl, to_level=lvl + 1,
                                     note="超过办理时限未办结，自动提级。"))
        deadline = at + dt.timedelta(days=days)
        if fate == "handed_back":  # handed back within two days, reassigned by the org department
            first = DepartmentAssignment(issue=issue, department_id=dept_id, catalogue_item_id=item_id, state="reassigned",
                                         deadline=deadline, created_at=at, accepted_at=at + dt.timedelta(hours=5),
                                         handed_back_at=at + dt.timedelta(days=1), closed_at=at + dt.timedelta(days=1),
                                         reason="经现场核实，不属本部门职责")
            assignments.append((first, [("routed", at, "", "pending", "按事项清单交办主管部门"),
                                        ("accepted", at + dt.timedelta(hours=5), "pending", "accepted", ""),
                                        ("handed_back", at + dt.timedelta(days=1), "accepted", "handed_back", "经现场核实，不属本部门职责"),
                                        ("reassigned", at + dt.timedelta(days=1, hours=3), "handed_back", "reassigned", "改派民政局")]))
            at, dept_id = at + dt.timedelta(days=1, hours=3), reassign_to[dept_id]
            fate = "accepted" if at + dt.timedelta(days=days) > now else "confirmed"
        accepted = at + dt.timedelta(hours=rng.randint(2, 30))
        reported = accepted + dt.timedelta(days=rng.randint(1, days + (6 if fate == "confirmed_late" else -1 if days > 1 else 0)))
        a = DepartmentAssignment(issue=issue, department_id=dept_id, catalogue_item_id=item_id, deadline=at + dt.timedelta(days=days),
                                 created_at=at)
        steps = [("routed", at, "", "pending", "按事项清单交办主管部门")]
        if fate != "pending":
            a.state, a.accepted_at = "accepted", accepted
            steps.append(("accepted", accepted, "pending", "accepted", ""))
        if fate in ("reported", "confirmed", "confirmed_late", "co_handled"):
            a.state, a.reported_at, a.result = "reported", reported, "已组织人员现场处置完毕"
            steps.append(("reported", reported, "accepted", "reported", a.result))
        if fate in ("confirmed", "confirmed_late", "co_handled"):
            a.state, a.confirmed_at = "confirmed", reported + dt.timedelta(days=1)
            a.closed_at = a.confirmed_at
            steps.append(("confirmed", a.confirmed_at, "reported", "confirmed", ""))
        assignments.append((a, steps))
        if fate == "co_handled":
            helper = departments["transport" if code_of[dept_id] != "transport" else "water"]
            assist = DepartmentAssignment(issue=issue, department=helper, role="assist", lead=a, catalogue_item_id=item_id,
                                          part="配合做好现场道路和设施恢复", state="confirmed", deadline=a.deadline,
                                          created_at=accepted, accepted_at=accepted + dt.timedelta(hours=3),
                                          reported_at=reported - dt.timedelta(hours=6), confirmed_at=a.confirmed_at,
                                          closed_at=a.confirmed_at, result="协办部分已完成")
            assignments.append((assist, [("assist_asked", accepted, "", "pending", assist.part),
                                         ("reported", assist.reported_at, "accepted", "reported", assist.result)]))
    IssueEvent.objects.bulk_create(events, batch_size=2000)
    # leads first (an assist points to its lead)
    leads = [a for a, _s in assignments if a.role == "lead"]
    DepartmentAssignment.objects.bulk_create(leads)
    for a, _s in assignments:
        if a.role == "assist":
            a.lead_id = a.lead.pk
    DepartmentAssignment.objects.bulk_create([a for a, _s in assignments if a.role == "assist"])
    staff = {d.pk: d.memberships.first().user_id for d in departments.values()}
    for a, steps in assignments:
        for kind, at, before, after, note in steps:
            actor = None if kind == "routed" else admin.pk if kind in ("reassigned", "confirmed") else staff[a.department_id]
            a_events.append(AssignmentEvent(assignment=a, kind=kind, actor_id=actor, at=min(at, now), from_state=before,
                                            to_state=after, note=note))
    AssignmentEvent.objects.bulk_create(a_events, batch_size=2000)
    ctx.log(f"  县级事项交办 {len(assignments)} 件")


def _supervisions_and_whistles(ctx, departments) -> None:
    now = timezone.now()
    admin = ctx.users.get("county_admin")
    township_head = ctx.users.get("township_head")
    if admin is None:
        return
    open_leads = list(DepartmentAssignment.objects.filter(role="lead", state__in=["pending", "accepted"])
                      .select_related("issue").order_by("deadline")[:3])
    for a, (days, state) in zip(open_leads, [(-2, "escalated"), (5, "open"), (9, "open")]):
        sup = Supervision.objects.create(issue=a.issue, requirement="群众反映强烈，限期办结并报告结果", state=state,
                                         deadline=now + dt.timedelta(days=days), created_by=admin,
                                         created_at=now - dt.timedelta(days=6),
                                         escalated_at=now + dt.timedelta(days=days, hours=1) if state == "escalated" else None)
        IssueEvent.objects.create(issue=a.issue, kind="commented", actor=admin, at=sup.created_at, note="列入督办")
    done = DepartmentAssignment.objects.filter(role="lead", state="confirmed").select_related("issue").first()
    if done is not None:
        Supervision.objects.create(issue=done.issue, requirement="督促按时办结", state="closed", created_by=admin,
                                   deadline=done.deadline, created_at=done.created_at, closed_at=done.confirmed_at,
                                   closing_note="已按期办结，群众满意")
    if township_head is None:
        return
    township = township_head.role_assignments.filter(role=Role.TOWNSHIP_HEAD).first().region
    issues = list(Issue.objects.filter(township=township, status__in=["reported", "accepted", "in_progress"],
                                       level=EscalationLevel.TOWNSHIP).order_by("pk")[:2])
    plans = [
        ("山体滑坡阻断进村道路，需交通、水利、应急联合处置", ["transport", "water", "police"], "closed",
         [("attended", "养护站 李工等4人"), ("attended", "水利站 王工等2人"), ("absent", "")]),
        ("村民集中反映饮水水压不足，需供电、水利到场会商", ["water", "power"], "open",
         [("acknowledged", "供水所 周工"), ("missed", "")]),
    ]
    for issue, (request, codes, state, calls) in zip(issues, plans):
        blown = now - dt.timedelta(days=4 if state == "closed" else 1)
        w = Whistle.objects.create(issue=issue, township=township, request=request, blown_by=township_head,
                                   blown_at=blown, ack_deadline=blown + dt.timedelta(hours=12), state=state,
                                   meet_at=blown + dt.timedelta(hours=20), place="村委会会议室",
                                   outcome="各部门现场会商，已明确分工并完成处置" if state == "closed" else "",
                                   closed_at=blown + dt.timedelta(days=2) if state == "closed" else None)
        for code, (call_state, people) in zip(codes, calls):
            staff = departments[code].memberships.first().user
            WhistleCall.objects.create(
                whistle=w, department=departments[code], state=call_state, people=people,
                acknowledged_at=blown + dt.timedelta(hours=3) if people else None, acknowledged_by=staff if people else None,
                missed_at=w.ack_deadline + dt.timedelta(minutes=5) if call_state in ("missed", "absent") else None,
                attendance_note={"attended": "按时到场", "absent": "未响应、未到场"}.get(call_state, ""))
        IssueEvent.objects.create(issue=issue, kind="commented", actor=township_head, at=blown,
                                  note=f"乡镇吹哨，点名部门报到：{'、'.join(departments[c].name for c in codes)}")


VISIT_WORK = [
    ("走访脱贫户、监测户，了解务工和收入情况", 8), ("召开村“两委”会议，研究集体经济项目", 0),
    ("入户宣讲医保参保和防返贫政策", 12), ("协调交通局养护站，查看进村道路坑洼路段", 2),
    ("走访留守老人、独居老人，检查用电用气安全", 6), ("联系县农业农村局农技员指导大棚种植", 3),
    ("参加村民说事会，记录群众反映的问题", 0), ("走访务工返乡人员，登记就业意向", 9),
    ("督促村道修补工程进度，现场查看质量", 1), ("入户走访困难家庭，帮助申请临时救助", 5),
    ("组织党员志愿者清理村庄环境卫生", 0), ("走访种养殖大户，对接合作社销路", 4),
]


def _stationed_cadres(ctx, departments) -> None:
    """A 第一书记 from the transport bureau in the demo's first village with a dozen days of logged work over the
    past months, two team members (one from the township, without an account) and a term that ended."""
    if StationedCadre.objects.exists():
        return
    User = get_user_model()
    admin = ctx.users.get("county_admin") or User.objects.filter(is_superuser=True).first()
    secretary = ctx.users.get("village_secretary")
    home = secretary.role_assignments.filter(role=Role.VILLAGE_SECRETARY).first().region if secretary else None
    villages = list(ctx.villages()[:40])
    if admin is None or not villages:
        return
    first = home or villages[0]
    others = [v for v in villages if v.parent_id != first.parent_id] or villages
    today = timezone.localdate()
    user = User.objects.filter(username="cadre_transport").first()
    if user is None:
        user = User.objects.create_user("cadre_transport", password=settings.DEMO_PASSWORD, first_name="交通局 周晓东")
    RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_STAFF, region=ctx.county)
    DepartmentStaff.objects.get_or_create(department=departments["transport"], user=user)
    clear_cache(user)
    ctx.users["cadre_transport"] = user
    start = today - dt.timedelta(days=200)
    secretary_term = StationedCadre.objects.create(
        user=user, name="周晓东", village=first, department=departments["transport"],
        post=StationedCadre.Post.FIRST_SECRETARY, start_date=start, end_date=start + dt.timedelta(days=730),
        tasks="建强村党组织；推动进村道路提升改造；发展村集体经济，帮助脱贫户稳定增收。", stationed_by=admin,
        created_at=timezone.now() - dt.timedelta(days=201))
    member = StationedCadre.objects.create(
        name="孙丽", village=first, department=departments["agriculture"], post=StationedCadre.Post.TEAM_MEMBER,
        start_date=start, tasks="农技服务、产业项目申报，协助第一书记做好防返贫监测。", stationed_by=admin)
    near = others[0] if others[0] != first else villages[-1]
    township = StationedCadre.objects.create(
        name="马俊", village=near, unit_name=f"{Region.objects.get(pk=near.parent_id).name}机关",
        post=StationedCadre.Post.TEAM_MEMBER, start_date=today - dt.timedelta(days=90),
        tasks="协助村里做好人居环境整治和矛盾纠纷排查。", stationed_by=admin)
    ended = StationedCadre.objects.create(
        name="郑海", village=others[-1], department=departments["water"], post=StationedCadre.Post.FIRST_SECRETARY,
        start_date=today - dt.timedelta(days=800), end_date=today - dt.timedelta(days=70), state=StationedCadre.State.ENDED,
        ended_at=timezone.now() - dt.timedelta(days=70), ended_by=admin, end_reason="任期届满，经考核合格轮换。",
        tasks="农田水利设施建设、山塘整治。", stationed_by=admin)
    rng, visits = ctx.rng, []
    for i, (work, households) in enumerate(VISIT_WORK):  # about two a month over the last six months
        day = today - dt.timedelta(days=3 + i * 15 + rng.randint(0, 5))
        visits.append(StationedVisit(cadre=secretary_term, date=max(day, start), work=work, households_visited=households,
                                     logged_by=user, logged_at=timezone.now() - dt.timedelta(days=(today - day).days)))
    for i, (cadre, logger) in enumerate([(member, admin), (township, admin), (ended, admin)]):
        for j in range(3):
            day = min((cadre.end_date or today) - dt.timedelta(days=5 + j * 20 + i), today)
            work, households = VISIT_WORK[(i * 3 + j) % len(VISIT_WORK)]
            visits.append(StationedVisit(cadre=cadre, date=max(day, cadre.start_date), work=work,
                                         households_visited=households, logged_by=logger))
    StationedVisit.objects.bulk_create(visits)
    ctx.log(f"  驻村干部 {StationedCadre.objects.count()} 名，驻村工作记录 {len(visits)} 条")
