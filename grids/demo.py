"""grids/ in the demo county: a grid per group/compound, party members on duty, every household with a
responsible member (a few left open so the page shows them), visits, issues at every level and status —
some past their deadline, so the first beat run escalates them — and two major events. Idempotent, bulk."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from centers.models import Center, WorkCategory, WorkItem
from governance.models import Household, Region, Resident

from .actions import DEFAULT_SLA_HOURS, grids_sync
from .models import (
    Grid,
    GridMember,
    Issue,
    IssueEvent,
    IssueStatus,
    EscalationLevel,
    MajorEvent,
    MajorEventTask,
    Responsibility,
    Severity,
    Visit,
)

TITLES = {
    "产业发展": ["合作社销路困难", "大棚建设咨询"], "农田水利": ["灌溉渠道堵塞", "机井抽水泵损坏"],
    "环境整治": ["垃圾清运不及时", "河塘漂浮垃圾"], "路灯照明": ["路灯不亮", "村口路灯线路老化"],
    "道路维修": ["村道坑洼积水", "桥面护栏破损"], "信访事项": ["反映征地补偿问题", "反映低保评定不公"],
    "治安隐患": ["夜间噪音扰民", "废弃房屋存在安全隐患"], "法律援助": ["务工工资被拖欠", "赡养纠纷咨询"],
    "矛盾调解": ["邻里宅基地纠纷", "土地承包边界争议"], "党员服务": ["党员组织关系转接", "流动党员学习安排"],
    "志愿服务": ["需要志愿者帮助秋收", "助老志愿服务需求"], "群众诉求": ["活动室开放时间", "自来水水压不足"],
    "养老服务": ["独居老人无人照料", "高龄津贴未到账"], "救助帮扶": ["因病致贫申请救助", "残疾人两项补贴咨询"],
    "教育文化": ["留守儿童上学困难", "农家书屋长期关闭"], "社保医保": ["医保报销疑问", "养老保险缴费咨询"],
}
VISIT_NOTES = ["送政策上门，讲解医保缴费", "了解老人身体状况，帮助预约体检", "听取对村道维修的意见",
               "协助办理社保卡", "宣传防诈骗知识", "了解外出务工人员家庭困难"]


def seed(ctx) -> None:
    grids_sync()
    _staff_grids(ctx)
    if not Visit.objects.exists():
        _visits(ctx)
    if not Issue.objects.exists():
        _issues(ctx)
    if not MajorEvent.objects.exists():
        _major_events(ctx)


def _staff_grids(ctx) -> None:
    """Leaders and members among the party members of each grid (or of its village); every household
    gets one of them, unevenly (the leader carries more), and about one in thirty is left open."""
    rng = ctx.rng
    staffed = set(GridMember.objects.values_list("grid_id", flat=True).distinct())
    grids = [(g, p) for g, p in Grid.objects.values_list("pk", "region__path") if g not in staffed]
    if not grids:
        return
    party: dict[str, list[int]] = {}
    for pk, path in Resident.objects.filter(is_party_member=True).order_by("pk").values_list("pk", "region__path"):
        party.setdefault(path[:12], []).append((pk, path[:15]))
    households: dict[str, list[int]] = {}
    for pk, path in Household.objects.filter(responsibility__isnull=True).order_by("pk").values_list("pk", "region__path"):
        households.setdefault(path[:15], []).append(pk)
    members, leaders, duties = [], {}, []
    for grid_id, path in grids:
        village = party.get(path[:12], [])
        local = [pk for pk, g in village if g == path]
        others = [pk for pk, g in village if g != path]
        chosen = (local + rng.sample(others, min(len(others), 2)))[:3] if village else []
        if not chosen:
            continue
        leaders[grid_id] = chosen[0]
        members += [GridMember(grid_id=grid_id, resident_id=r) for r in chosen]
        weights = [5] + [1] * (len(chosen) - 1)  # the leader carries most households: loads are uneven
        for household_id in households.get(path, []):
            if rng.random() < 0.03:
                continue
            member = rng.choices(chosen, weights=weights)[0]
            duties.append(Responsibility(household_id=household_id, grid_id=grid_id, member_id=member))
    GridMember.objects.bulk_create(members, batch_size=2000, ignore_conflicts=True)
    Responsibility.objects.bulk_create(duties, batch_size=2000, ignore_conflicts=True)
    by_leader: dict[int, list[int]] = {}
    for grid_id, resident_id in leaders.items():
        by_leader.setdefault(resident_id, []).append(grid_id)
    for resident_id, grid_ids in by_leader.items():
        Grid.objects.filter(pk__in=grid_ids).update(leader_id=resident_id)
    ctx.log(f"  网格 {len(grids)} 个，在岗党员 {len(members)} 人次，责任户 {len(duties)} 户")


def _visits(ctx) -> None:
    rng = ctx.rng
    recorder = ctx.users.get("grid_leader") or get_user_model().objects.filter(is_superuser=True).first()
    rows = list(Responsibility.objects.order_by("pk").values_list("household_id", "grid_id", "member_id"))
    today = timezone.localdate()
    visits = [Visit(grid_id=g, household_id=h, member_id=m, recorded_by=recorder, notes=rng.choice(VISIT_NOTES),
                    visited_on=today - dt.timedelta(days=rng.randrange(0, 150)))
              for h, g, m in rows if rng.random() < 0.6]
    Visit.objects.bulk_create(visits, batch_size=2000)
    _located(ctx, today)


def _located(ctx, today) -> None:
    """The demo grid leader's visits of the last month were logged in the field kit, with the phone's
    location (a few hundred metres around the group), so 我的联系户 and the visit list show it in use."""
    leader = ctx.users.get("grid_leader")
    if leader is None:
        return
    recent = list(Visit.objects.filter(grid__region__in=leader.role_assignments.values("region"),
                                       visited_on__gte=today - dt.timedelta(days=30)).values_list("pk", flat=True))
    rng = ctx.rng
    for pk in recent:
        Visit.objects.filter(pk=pk).update(latitude=round(31.7312 + rng.uniform(-.004, .004), 6),
                                           longitude=round(117.2830 + rng.uniform(-.004, .004), 6))


def _issues(ctx) -> None:
    rng = ctx.rng
    now = timezone.now()
    users = ctx.users
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    categories = list(WorkCategory.objects.filter(active=True).order_by("pk"))
    if not categories:
        return
    region_by_path = {p: pk for pk, p in Region.objects.filter(level__lte=Region.Level.GROUP).values_list("pk", "path")}
    groups = sorted(p for p in region_by_path if len(p) == 15)
    households_by_group: dict[str, list[int]] = {}
    for pk, path in Household.objects.values_list("pk", "region__path"):
        households_by_group.setdefault(path[:15], []).append(pk)
    township_a = users["township_head"].role_assignments.get().region.path if "township_head" in users else ""
    township_b = users["township_head_2"].role_assignments.get().region.path if "township_head_2" in users else ""
    village_a1 = users["village_secretary"].role_assignments.get().region.path if "village_secretary" in users else ""
    resident_user = users.get("resident")
    resident = Resident.objects.filter(user=resident_user).select_related("household", "region").first() if resident_user else None

    # (level, status, overdue) mixes: every level and status, about one in eight past its deadline.
    mixes = [(EscalationLevel.GRID, IssueStatus.REPORTED, False), (EscalationLevel.GRID, IssueStatus.ACCEPTED, False),
             (EscalationLevel.GRID, IssueStatus.IN_PROGRESS, True), (EscalationLevel.GRID, IssueStatus.RESOLVED, False),
             (EscalationLevel.GRID, IssueStatus.CLOSED, False), (EscalationLevel.GRID, IssueStatus.REOPENED, False),
             (EscalationLevel.GRID, IssueStatus.REJECTED, False), (EscalationLevel.VILLAGE, IssueStatus.REPORTED, True),
             (EscalationLevel.VILLAGE, IssueStatus.IN_PROGRESS, False), (EscalationLevel.VILLAGE, IssueStatus.CLOSED, False),
             (EscalationLevel.TOWNSHIP, IssueStatus.ACCEPTED, False), (EscalationLevel.TOWNSHIP, IssueStatus.REPORTED, True),
             (EscalationLevel.TOWNSHIP, IssueStatus.RESOLVED, False), (EscalationLevel.COUNTY, IssueStatus.IN_PROGRESS, False),
             (EscalationLevel.COUNTY, IssueStatus.CLOSED, False), (EscalationLevel.GRID, IssueStatus.ACCEPTED, False)]
    plan = []
    for i, group in enumerate(groups[::3]):
        plan.append((group, *mixes[i % len(mixes)]))
    # The demo people's own places get every mix, so each persona's queue has something in it.
    a_groups = [g for g in groups if village_a1 and g.startswith(village_a1)]
    for i, mix in enumerate(mixes):
        if a_groups:
            plan.append((a_groups[i % len(a_groups)], *mix))
    plan = [(*row, False) for row in plan]
    if resident is not None:  # the demo villager follows two requests of their own
        own_group = resident.region.path[:15]
        plan += [(own_group, EscalationLevel.GRID, IssueStatus.RESOLVED, False, True),
                 (own_group, EscalationLevel.VILLAGE, IssueStatus.ACCEPTED, False, True)]
    issues, reporters = [], []
    for group, level, status, overdue, by_resident in plan:
        cat = rng.choice(categories)
        severity = rng.choice([Severity.MINOR, Severity.MINOR, Severity.HARD, Severity.MAJOR])
        hours = DEFAULT_SLA_HOURS[(level, severity)]
        created = now - dt.timedelta(hours=rng.randint(hours * (level - 1) + 2, hours * level + 48))
        open_ = status in (IssueStatus.REPORTED, IssueStatus.ACCEPTED, IssueStatus.IN_PROGRESS, IssueStatus.REOPENED)
        if open_ and overdue and level < EscalationLevel.COUNTY:
            deadline = now - dt.timedelta(hours=rng.randint(1, 30))
        elif open_:
            deadline = now + dt.timedelta(hours=rng.randint(1, hours))
        else:
            deadline = created + dt.timedelta(hours=hours)
        household = rng.choice(households_by_group[group]) if households_by_group.get(group) else None
        reporter = admin  # elsewhere: entered by the system administrator
        if village_a1 and group.startswith(village_a1) and "grid_leader" in users:
            reporter = users["grid_leader"]
        elif township_a and group.startswith(township_a):
            reporter = users.get("township_staff", admin)
        elif township_b and group.startswith(township_b):
            reporter = users.get("township_staff_2", admin)
        if by_resident:
            reporter, household = resident_user, resident.household_id
        issues.append(Issue(
            title=rng.choice(TITLES.get(cat.name, [f"{cat.name}问题反映"])), category=cat, severity=severity,
            description=f"{rng.choice(['群众反映', '走访中听到', '网格巡查发现'])}：{cat.name}相关问题，请及时处理。",
            region_id=region_by_path[group], village_id=region_by_path[group[:12]],
            township_id=region_by_path[group[:9]], household_id=household, reporter=reporter, level=level,
            status=status, deadline=deadline, created_at=created,
            reject_reason="不属于公共事务，已告知当事人通过司法途径解决" if status == IssueStatus.REJECTED else "",
            resolved_at=created + dt.timedelta(hours=hours // 2) if status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) else None,
        ))
        reporters.append(reporter)
    Issue.objects.bulk_create(issues, batch_size=2000)
    _history(issues, now)
    _center_items(issues)
    ctx.log(f"  事件 {len(issues)} 件，其中超时 {sum(1 for i in issues if i.is_overdue)} 件")


def _history(issues, now) -> None:
    events = []
    for issue in issues:
        at = issue.created_at
        events.append(IssueEvent(issue=issue, kind="reported", actor=issue.reporter, at=at,
                                 to_status="reported", to_level=EscalationLevel.GRID))
        for level in range(EscalationLevel.GRID, issue.level):
            at += dt.timedelta(hours=6)
            events.append(IssueEvent(issue=issue, kind="escalated", actor=issue.reporter, at=at, from_status="accepted",
                                     to_status="reported", from_level=level, to_level=level + 1,
                                     note="超出本级处置能力，提级处置"))
        steps = {
            "accepted": ["accepted"], "in_progress": ["accepted", "started"], "resolved": ["accepted", "resolved"],
            "closed": ["accepted", "resolved", "closed"], "reopened": ["accepted", "resolved", "reopened"],
            "rejected": ["rejected"],
        }.get(issue.status, [])
        for kind in steps:
            at += dt.timedelta(hours=2)
            note = {"resolved": "已现场处理完毕", "reopened": "问题仍未解决", "rejected": issue.reject_reason}.get(kind, "")
            events.append(IssueEvent(issue=issue, kind=kind, actor=issue.reporter, at=min(at, now), note=note))
    IssueEvent.objects.bulk_create(events, batch_size=2000)


def _center_items(issues) -> None:
    """Issues that reached the township sit in the center owning their category."""
    ct = ContentType.objects.get_for_model(Issue)
    centers = {(t, k): pk for pk, t, k in Center.objects.values_list("pk", "township_id", "kind")}
    items = []
    for issue in issues:
        center = centers.get((issue.township_id, issue.category.center_kind))
        if issue.level >= EscalationLevel.TOWNSHIP and center:
            items.append(WorkItem(township_id=issue.township_id, center_id=center, category=issue.category,
                                  title=issue.title, description=issue.description, deadline=issue.deadline,
                                  status=WorkItem.Status.DONE if not issue.is_open else WorkItem.Status.OPEN,
                                  source_type=ct, source_id=str(issue.pk)))
    WorkItem.objects.bulk_create(items, batch_size=2000)
    latest = WorkItem.objects.filter(source_type=ct, source_id=Cast(OuterRef("pk"), CharField())).order_by("-id").values("pk")[:1]
    Issue.objects.filter(level__gte=EscalationLevel.TOWNSHIP).update(work_item=Subquery(latest))


def _major_events(ctx) -> None:
    users = ctx.users
    if "township_head" not in users or "village_secretary" not in users:
        return
    township = users["township_head"].role_assignments.get().region
    village = users["village_secretary"].role_assignments.get().region
    now = timezone.now()
    for originator, region, title, body, share in [
        (users["township_head"], township, "防汛抗旱：汛前隐患排查", "各网格于三日内排查危房、沟渠和低洼地带，逐户告知转移路线。", 0.6),
        (users["village_secretary"], village, "秸秆禁烧巡查", "各网格每日巡查田间地头，发现焚烧立即劝阻并报告。", 1.0),
    ]:
        event = MajorEvent.objects.create(title=title, description=body, region=region, originator=originator,
                                          created_at=now - dt.timedelta(days=1))
        grid_ids = list(Grid.objects.filter(region__path__startswith=region.path).order_by("region__path")
                        .values_list("pk", flat=True))
        tasks = []
        for i, grid_id in enumerate(grid_ids):
            acked = ctx.rng.random() < share
            tasks.append(MajorEventTask(event=event, grid_id=grid_id, note="已完成排查" if acked else "",
                                        acknowledged_at=now - dt.timedelta(hours=ctx.rng.randint(1, 20)) if acked else None))
        MajorEventTask.objects.bulk_create(tasks, batch_size=2000)
