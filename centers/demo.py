"""centers/ in the demo county (idempotent, bulk): staff in the four centers, modes, clusters and
contact cadres, party organisations (~3 branches and ~30 members per village), 大工委/大党委 with
part-time members, pioneer posts, a development pipeline with people at every stage, reserves (a few
villages short), training with attendance, 两委 posts, 两考一评 stars and 头雁工程 marks."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from governance.models import Region, Resident, RoleAssignment
from governance.scoping import Role

from . import actions
from .models import (
    Attendance,
    Candidate,
    Center,
    CenterKind,
    Cluster,
    CommitteePost,
    CommitteeSeat,
    Course,
    LeadGooseMark,
    LeadGooseMeasure,
    ModeSwitch,
    OperatingMode,
    PartyMember,
    PartyOrganization,
    PioneerPost,
    PipelineStep,
    ReserveCadre,
    SecretaryRating,
    Stage,
    StaffAssignment,
    TownshipMode,
    TrainingLevel,
    TrainingRequirement,
    TrainingSession,
    Unit,
    VillageContact,
    WorkCategory,
    WorkItem,
)

TODAY = dt.date(2026, 11, 29)
STAFF_PER_TOWNSHIP = 8
ORIGINAL = [("镇党政综合办公室", "科员", "administrative"), ("镇农业综合服务站", "站长", "public_institution"),
            ("镇财政所", "会计", "administrative"), ("镇社会事务办", "干事", "administrative"),
            ("镇综治中心", "副主任", "administrative"), ("镇村镇建设办", "技术员", "public_institution"),
            ("镇便民服务中心", "窗口人员", "contract"), ("镇司法所", "所长", "administrative")]
UNITS = [("县供电公司", Unit.Kind.STATE_FIRM), ("县自来水公司", Unit.Kind.STATE_FIRM), ("县人民医院", Unit.Kind.AGENCY),
         ("县农商银行", Unit.Kind.FINANCIAL), ("县公安局城关派出所", Unit.Kind.AGENCY), ("县住建局", Unit.Kind.AGENCY),
         ("云溪物业服务有限公司", Unit.Kind.PRIVATE_FIRM), ("县红十字会", Unit.Kind.SOCIAL_ORG),
         ("县第一中学", Unit.Kind.AGENCY), ("县移动公司", Unit.Kind.STATE_FIRM), ("县邮政分公司", Unit.Kind.STATE_FIRM),
         ("社区养老服务中心", Unit.Kind.SOCIAL_ORG)]
WORK = [("road_repair", "修复{v}村道塌陷路段"), ("street_lights", "{v}主干道路灯不亮"), ("dispute_mediation", "{v}宅基地边界纠纷调解"),
        ("assistance", "{v}困难户临时救助申请"), ("social_insurance", "{v}城乡居民医保集中缴费"),
        ("environment", "{v}垃圾清运点整治"), ("water_irrigation", "{v}灌溉渠清淤"), ("public_safety", "{v}废弃鱼塘安全隐患"),
        ("petition", "{v}村民反映征地补偿问题"), ("party_service", "{v}流动党员组织关系转接"), ("elderly_care", "{v}留守老人助餐点建设")]
COURSES = [("乡村振兴战略专题研修班", TrainingLevel.UNIVERSITY, 24), ("村党组织书记能力提升班", TrainingLevel.PARTY_SCHOOL, 16),
           ("基层治理实务", TrainingLevel.CLUSTER_SCHOOL, 8), ("农村集体经济发展", TrainingLevel.CLUSTER_SCHOOL, 6),
           ("种养技术与电商", TrainingLevel.NIGHT_SCHOOL, 3), ("法律明白人培训", TrainingLevel.NIGHT_SCHOOL, 3)]


def seed(ctx) -> None:
    townships = list(ctx.townships())
    for township in townships:
        actions.centers_create_for_township(actor=None, region=township)
    if Candidate.objects.exists():
        return  # built before: the demo is idempotent
    rng = ctx.rng
    villages = list(ctx.villages().select_related("parent"))
    centers = {(c.township_id, c.kind): c for c in Center.objects.all()}
    _staff(ctx, rng, townships, centers)
    _modes(ctx, townships)
    _clusters(rng, townships, villages)
    units = _units(ctx)
    people = _residents_by_village(villages)
    members = _party(rng, townships, villages, people, units)
    _pioneers(rng, members)
    _pipeline(ctx, rng, villages, people, members)
    _reserves(rng, villages, people)
    posts = _committees(rng, villages, people)
    _training(rng, townships, villages, posts)
    _ratings(ctx, rng, villages, posts)
    _work_items(ctx, rng, townships, villages, centers)
    actions.reserves_check()


def _staff(ctx, rng, townships, centers):
    User = get_user_model()
    password = make_password(settings.DEMO_PASSWORD)
    from governance.demo import person_name

    new_users = []
    for t_index, township in enumerate(townships, start=1):
        for i in range(1, STAFF_PER_TOWNSHIP + 1):
            new_users.append(User(username=f"t{t_index:02d}_staff{i}", password=password,
                                  first_name=f"{township.name} 干部 {person_name(rng)}"))
    User.objects.bulk_create(new_users, ignore_conflicts=True)
    users = {u.username: u for u in User.objects.filter(username__regex=r"^t[0-9]{2}_staff")}
    roles, assignments = [], []
    kinds = CenterKind.values
    for t_index, township in enumerate(townships, start=1):
        for i in range(1, STAFF_PER_TOWNSHIP + 1):
            user = users[f"t{t_index:02d}_staff{i}"]
            roles.append(RoleAssignment(user=user, role=Role.TOWNSHIP_STAFF, region=township))
            unit, post, est = ORIGINAL[(i - 1) % len(ORIGINAL)]
            assignments.append(StaffAssignment(
                user=user, township=township, center=centers[(township.pk, kinds[(i - 1) % 4])], original_unit=unit,
                original_post=post, establishment=est, start_date=dt.date(2024, 3, 1) + dt.timedelta(days=rng.randrange(200))))
    for username, kind in (("township_head", CenterKind.PARTY_MASS_SERVICE), ("township_staff", CenterKind.CONSTRUCTION_DEVELOPMENT),
                           ("township_head_2", CenterKind.PARTY_MASS_SERVICE), ("township_staff_2", CenterKind.SOCIAL_AFFAIRS)):
        user = ctx.users.get(username)
        if user is None:
            continue
        township = RoleAssignment.objects.filter(user=user, active=True).select_related("region").first().region
        assignments.append(StaffAssignment(
            user=user, township=township, center=centers[(township.pk, kind)], original_unit="镇党政综合办公室",
            original_post="镇长" if "head" in username else "科员", establishment="administrative",
            start_date=dt.date(2024, 1, 2)))
    RoleAssignment.objects.bulk_create(roles)
    # One moved cadre shows the history: 2024 in 社会事务中心, since 2026 in 依法治理中心.
    StaffAssignment.objects.bulk_create(assignments)
    moved = StaffAssignment.objects.filter(user__username="t03_staff3").first()
    if moved is not None:
        StaffAssignment.objects.filter(pk=moved.pk).update(end_date=dt.date(2026, 2, 28))
        StaffAssignment.objects.create(user=moved.user, township=moved.township,
                                       center=centers[(moved.township_id, CenterKind.LAW_BASED_GOVERNANCE)],
                                       original_unit=moved.original_unit, original_post=moved.original_post,
                                       establishment=moved.establishment, start_date=dt.date(2026, 3, 1))


def _modes(ctx, townships):
    by_name = {t.name: t for t in townships}
    head = ctx.users.get("county_admin")
    for name, reason, back in (("杏花镇", "汛期防汛抗洪，全镇干部统筹调度", False),
                               ("柳河镇", "秸秆禁烧攻坚期间集中力量", True)):
        township = by_name.get(name)
        if township is None:
            continue
        actions.township_mode_switch(actor=head, township=township, to_mode=OperatingMode.COORDINATED, reason=reason)
        if back:
            actions.township_mode_switch(actor=head, township=township, to_mode=OperatingMode.NORMAL,
                                         reason="攻坚任务完成，恢复平时按分工")


def _clusters(rng, townships, villages):
    staff_by_township: dict[int, list] = {}
    for a in StaffAssignment.objects.filter(end_date__isnull=True).order_by("id"):
        staff_by_township.setdefault(a.township_id, []).append(a.user_id)
    by_township: dict[int, list] = {}
    for v in villages:
        by_township.setdefault(v.parent_id, []).append(v)
    contacts = []
    for township in townships:
        staff = staff_by_township.get(township.pk, [])
        if not staff:
            continue
        clusters = Cluster.objects.bulk_create([
            Cluster(township=township, name=name, leader_id=staff[i % len(staff)])
            for i, name in enumerate(("东片", "西片", "南片"))])
        clusters = list(Cluster.objects.filter(township=township).order_by("id"))
        through = Cluster.cadres.through
        through.objects.bulk_create([through(cluster_id=c.pk, user_id=u) for i, c in enumerate(clusters)
                                     for u in staff[i::3]], ignore_conflicts=True)
        vs = by_township.get(township.pk, [])
        for i, village in enumerate(vs):
            if i == len(vs) - 1 and township.name in ("青石镇", "白沙镇", "东湖街道"):
                continue  # a village without its contact cadre, flagged on the township page
            cluster = clusters[i * 3 // max(len(vs), 1)]
            members = staff[clusters.index(cluster)::3] or staff
            contacts.append(VillageContact(village=village, cadre_id=members[i % len(members)], cluster=cluster,
                                           since=dt.date(2025, 1, 1)))
    VillageContact.objects.bulk_create(contacts)


def _units(ctx):
    subdistricts = list(Region.objects.filter(kind=Region.Kind.SUBDISTRICT).order_by("path"))
    units = []
    for i, (name, kind) in enumerate(UNITS):
        unit, _created = Unit.objects.get_or_create(
            name=name, defaults={"kind": kind, "region": subdistricts[i % len(subdistricts)], "contact_name": "办公室"})
        units.append(unit)
    staff = ctx.users.get("unit_staff")
    if staff is not None:
        units[0].staff.add(staff)
    return units


def _residents_by_village(villages):
    """village id -> adults [(id, name, region path)], oldest first."""
    by_path = {v.path: v.pk for v in villages}
    out: dict[int, list] = {}
    born_before = dt.date(2008, 1, 1)
    for pk, name, path, birth in (Resident.objects.filter(birth_date__lt=born_before)
                                  .order_by("region__path", "birth_date", "id")
                                  .values_list("pk", "name", "region__path", "birth_date")):
        vid = by_path.get(Region.prefix(path, Region.Level.VILLAGE))
        if vid is not None:
            out.setdefault(vid, []).append((pk, name, path, birth))
    return out


def _party(rng, townships, villages, people, units):
    committees = {o.region_id: o for o in PartyOrganization.objects.filter(kind=PartyOrganization.Kind.COMMITTEE)}
    orgs = []
    for v in villages:
        orgs.append(PartyOrganization(name=f"{v.name}党总支", kind=PartyOrganization.Kind.GENERAL_BRANCH, region=v,
                                      parent=committees.get(v.parent_id), established_on=dt.date(1998, 7, 1)))
    PartyOrganization.objects.bulk_create(orgs)
    general = {o.region_id: o for o in PartyOrganization.objects.filter(kind=PartyOrganization.Kind.GENERAL_BRANCH)}
    branches = []
    for v in villages:
        names = ("第一党支部", "第二党支部", "老年党支部") if v.kind == Region.Kind.VILLAGE else ("第一党支部", "第二党支部", "在职党员党支部")
        branches += [PartyOrganization(name=f"{v.name}{n}", kind=PartyOrganization.Kind.BRANCH, region=v,
                                       parent=general[v.pk]) for n in names]
    # 街道"大工委" and 社区"大党委", with part-time members (兼职委员) from co-building units.
    for t in townships:
        if t.kind == Region.Kind.SUBDISTRICT:
            branches.append(PartyOrganization(name=f"{t.name}“大工委”", kind=PartyOrganization.Kind.WORKING_COMMITTEE,
                                              region=t, parent=committees.get(t.pk)))
    for v in villages:
        if v.kind == Region.Kind.COMMUNITY:
            branches.append(PartyOrganization(name=f"{v.name}“大党委”", kind=PartyOrganization.Kind.GRAND_COMMITTEE,
                                              region=v, parent=general[v.pk]))
    PartyOrganization.objects.bulk_create(branches)
    seats = []
    for org in PartyOrganization.objects.filter(kind__in=[PartyOrganization.Kind.WORKING_COMMITTEE,
                                                          PartyOrganization.Kind.GRAND_COMMITTEE]):
        seats.append(CommitteeSeat(organization=org, person_name="书记（由街道/社区党组织书记兼任）", title="书记"))
        for unit in rng.sample(units, 4):
            seats.append(CommitteeSeat(organization=org, person_name=f"{unit.name}负责人", title="兼职委员",
                                       part_time=True, unit=unit))
    CommitteeSeat.objects.bulk_create(seats)
    by_village: dict[int, list] = {}
    for o in PartyOrganization.objects.filter(kind=PartyOrganization.Kind.BRANCH, region__level=Region.Level.VILLAGE):
        by_village.setdefault(o.region_id, []).append(o)
    members = []
    for v in villages:
        adults = people.get(v.pk, [])
        for i, (pk, _name, _path, birth) in enumerate(adults[:min(30, len(adults) * 3 // 5)]):  # leave room for reserves
            in_service = v.kind == Region.Kind.COMMUNITY and i % 3 == 0
            joined = max(birth + dt.timedelta(days=365 * 22 + rng.randrange(3000)), dt.date(1960, 1, 1))
            members.append(PartyMember(
                resident_id=pk, organization=by_village[v.pk][i % 3], region=v, joined_on=min(joined, dt.date(2023, 6, 1)),
                membership=PartyMember.Membership.FULL, in_service=in_service,
                work_unit=rng.choice(UNITS)[0] if in_service else ""))
    PartyMember.objects.bulk_create(members, batch_size=2000)
    Resident.objects.filter(pk__in=[m.resident_id for m in members]).update(is_party_member=True)
    secretaries = []
    for org in PartyOrganization.objects.filter(kind=PartyOrganization.Kind.GENERAL_BRANCH):
        first = PartyMember.objects.filter(region_id=org.region_id).order_by("id").values_list("pk", flat=True).first()
        if first:
            secretaries.append((org.pk, first))
    for org_id, member_id in secretaries:
        PartyOrganization.objects.filter(pk=org_id).update(secretary_id=member_id)
    return list(PartyMember.objects.select_related("region").order_by("id"))


def _pioneers(rng, members):
    by_village: dict[int, list] = {}
    for m in members:
        by_village.setdefault(m.region_id, []).append(m)
    posts = []
    for compound in Region.objects.filter(kind=Region.Kind.COMPOUND).select_related("parent"):
        ms = by_village.get(compound.parent_id) or []
        if ms:
            posts.append(PioneerPost(region=compound, kind=PioneerPost.Kind.GRID_HEAD, member=rng.choice(ms)))
    for building in Region.objects.filter(kind=Region.Kind.BUILDING).only("pk", "path"):
        ms = [m for m in by_village.get(_village_id(building.path), [])]
        if ms and rng.random() < 0.85:  # some buildings still without a 楼栋长
            posts.append(PioneerPost(region=building, kind=PioneerPost.Kind.BUILDING_HEAD, member=rng.choice(ms)))
    PioneerPost.objects.bulk_create(posts, ignore_conflicts=True)


_VILLAGE_IDS: dict[str, int] = {}


def _village_id(path: str):
    if not _VILLAGE_IDS:
        _VILLAGE_IDS.update(dict(Region.objects.filter(level=Region.Level.VILLAGE).values_list("path", "pk")))
    return _VILLAGE_IDS.get(Region.prefix(path, Region.Level.VILLAGE))


def _pipeline(ctx, rng, villages, people, members):
    """2–5 people per village, spread over every stage, with the history of their steps."""
    User = get_user_model()
    secretary = ctx.users.get("village_secretary") or User.objects.filter(is_superuser=True).first()
    township_user = ctx.users.get("township_staff") or secretary
    county = ctx.users.get("county_admin") or secretary
    mentors: dict[int, list] = {}
    for m in members:
        mentors.setdefault(m.region_id, []).append(m)
    general = {o.region_id: o.pk for o in PartyOrganization.objects.filter(kind=PartyOrganization.Kind.GENERAL_BRANCH)}
    member_ids = {m.resident_id for m in members}
    rules = {Stage.ACTIVIST: 30, Stage.TARGET: 365, Stage.PROBATIONARY: 30, Stage.FULL: 365}
    order = [Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL]
    candidates, histories = [], []
    for vi, v in enumerate(villages):
        free = [p for p in people.get(v.pk, []) if p[0] not in member_ids and p[3] > dt.date(1975, 1, 1)]
        short_village = vi % 17 == 5  # a few villages short of reserves: no activists either
        stages = [Stage.APPLICANT, Stage.TARGET] if short_village else \
            [order[(vi + k) % 5] for k in range(rng.randint(2, 5))]
        if not mentors.get(v.pk):
            continue
        for k, stage in enumerate(stages):
            if k >= len(free):
                break
            idx = order.index(stage)
            # Walk back from the current stage to the application, honouring the minimum waits.
            dates = [TODAY - dt.timedelta(days=rng.randint(40, 200))]
            for s in reversed(order[1:idx + 1]):
                dates.insert(0, dates[0] - dt.timedelta(days=rules[s] + rng.randint(5, 90)))
            candidates.append(Candidate(resident_id=free[k][0], village=v, organization_id=general[v.pk], stage=stage,
                                        stage_since=dates[-1], mentor=rng.choice(mentors[v.pk])))
            histories.append((dates, idx, free[k][0], v))
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    by_resident = dict(Candidate.objects.values_list("resident_id", "pk"))
    now = timezone.now()
    steps, new_members = [], []
    for dates, idx, resident_id, v in histories:
        for s in range(1, idx + 1):
            at = timezone.make_aware(dt.datetime.combine(dates[s], dt.time(10)))
            filed = s < idx or rng.random() < 0.5
            steps.append(PipelineStep(
                candidate_id=by_resident[resident_id], from_stage=order[s - 1], to_stage=order[s], step_date=dates[s],
                required_days=rules[order[s]], waited_days=(dates[s] - dates[s - 1]).days,
                status=PipelineStep.Status.FILED if filed else PipelineStep.Status.APPROVED,
                proposed_by=secretary, proposed_at=at, approved_by=township_user, approved_at=at + dt.timedelta(days=3),
                filed_by=county if filed else None, filed_at=at + dt.timedelta(days=10) if filed else None))
        if idx >= 3:
            new_members.append(PartyMember(
                resident_id=resident_id, organization_id=general[v.pk], region=v, joined_on=dates[3],
                membership=PartyMember.Membership.FULL if idx == 4 else PartyMember.Membership.PROBATIONARY))
    # A handful of steps waiting for the township: proposals made after the waiting time passed.
    for cand in Candidate.objects.filter(stage=Stage.APPLICANT).order_by("id")[:: 6]:
        if (TODAY - cand.stage_since).days >= rules[Stage.ACTIVIST]:
            steps.append(PipelineStep(candidate=cand, from_stage=Stage.APPLICANT, to_stage=Stage.ACTIVIST,
                                      step_date=TODAY - dt.timedelta(days=3), required_days=rules[Stage.ACTIVIST],
                                      waited_days=(TODAY - dt.timedelta(days=3) - cand.stage_since).days,
                                      proposed_by=secretary, proposed_at=now))
    PipelineStep.objects.bulk_create(steps, batch_size=2000)
    PartyMember.objects.bulk_create(new_members)
    Resident.objects.filter(pk__in=[m.resident_id for m in new_members]).update(is_party_member=True)


def _reserves(rng, villages, people):
    taken = set(Candidate.objects.values_list("resident_id", flat=True)) | set(
        PartyMember.objects.values_list("resident_id", flat=True))
    activists = dict(Candidate.objects.filter(stage=Stage.ACTIVIST).values_list("resident_id", "village_id"))
    entries = [ReserveCadre(village_id=v, resident_id=r, kind=ReserveCadre.Kind.ACTIVIST, since=dt.date(2025, 9, 1))
               for r, v in activists.items()]
    for vi, v in enumerate(villages):
        free = [p for p in reversed(people.get(v.pk, [])) if p[0] not in taken]  # the youngest first
        n = rng.choice([1, 2]) if vi % 17 == 5 else rng.randint(3, 4)
        for p in free[:n]:
            entries.append(ReserveCadre(village=v, resident_id=p[0], kind=ReserveCadre.Kind.RESERVE,
                                        since=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600))))
    ReserveCadre.objects.bulk_create(entries, batch_size=2000)


def _committees(rng, villages, people):
    posts = []
    for v in villages:
        adults = people.get(v.pk, [])
        if len(adults) < 8:
            continue
        sec, director, econ, *rest = [p[0] for p in adults[:8]]
        one_shoulder = rng.random() < 0.7
        posts.append(CommitteePost(village=v, resident_id=sec, body=CommitteePost.Body.PARTY, post=CommitteePost.Post.HEAD,
                                   since=dt.date(2021, 10, 1)))
        posts.append(CommitteePost(village=v, resident_id=sec if one_shoulder else director,
                                   body=CommitteePost.Body.VILLAGERS, post=CommitteePost.Post.HEAD, since=dt.date(2021, 10, 1)))
        posts.append(CommitteePost(village=v, resident_id=sec if one_shoulder or rng.random() < 0.5 else econ,
                                   body=CommitteePost.Body.ECONOMIC, post=CommitteePost.Post.HEAD, since=dt.date(2021, 10, 1)))
        posts.append(CommitteePost(village=v, resident_id=rest[0], body=CommitteePost.Body.PARTY, post=CommitteePost.Post.DEPUTY))
        for r in rest[1:4]:
            posts.append(CommitteePost(village=v, resident_id=r, body=CommitteePost.Body.PARTY, post=CommitteePost.Post.MEMBER))
        for r in rest[2:5]:  # some sit on both committees (交叉任职)
            posts.append(CommitteePost(village=v, resident_id=r, body=CommitteePost.Body.VILLAGERS, post=CommitteePost.Post.MEMBER))
    CommitteePost.objects.bulk_create(posts, batch_size=2000)
    return posts


def _training(rng, townships, villages, posts):
    TrainingRequirement.objects.get_or_create(year=2026, defaults={"hours": Decimal("32")})
    TrainingRequirement.objects.get_or_create(year=2025, defaults={"hours": Decimal("32")})
    county = townships[0].parent
    courses = []
    for title, level, _hours in COURSES:
        region = county if level in (TrainingLevel.UNIVERSITY, TrainingLevel.PARTY_SCHOOL) else None
        if region:
            courses.append(Course(title=title, level=level, region=region))
        else:
            courses += [Course(title=title, level=level, region=t) for t in townships]
    Course.objects.bulk_create(courses)
    hours = {title: h for title, _l, h in COURSES}
    sessions = []
    for course in Course.objects.select_related("region"):
        for k in range(2 if course.level in (TrainingLevel.UNIVERSITY, TrainingLevel.PARTY_SCHOOL) else 3):
            sessions.append(TrainingSession(course=course, region=course.region,
                                            date=dt.date(2026, 2 + k * 3, 10) + dt.timedelta(days=rng.randrange(20)),
                                            hours=Decimal(hours[course.title]), location=f"{course.region.name}党群服务中心"))
    TrainingSession.objects.bulk_create(sessions)
    cadres_by_path: dict[str, list] = {}
    path_of = dict(Region.objects.filter(level=Region.Level.VILLAGE).values_list("pk", "path"))
    for p in posts:
        cadres_by_path.setdefault(path_of[p.village_id], []).append((p.resident_id, p.village_id))
    attendance = []
    for session in TrainingSession.objects.select_related("region"):
        pool = [c for path, cs in cadres_by_path.items() if path.startswith(session.region.path) for c in cs]
        share = 0.15 if session.region.level == Region.Level.COUNTY else 0.6
        seen = set()
        for resident_id, village_id in pool:
            if resident_id in seen or rng.random() > share:
                continue
            seen.add(resident_id)
            attendance.append(Attendance(session=session, resident_id=resident_id, region_id=village_id,
                                         hours=session.hours, year=session.date.year))
    Attendance.objects.bulk_create(attendance, batch_size=5000, ignore_conflicts=True)


def _ratings(ctx, rng, villages, posts):
    from .actions import stars_for

    secretaries = {p.village_id: p.resident_id for p in posts
                   if p.body == CommitteePost.Body.PARTY and p.post == CommitteePost.Post.HEAD}
    rater = ctx.users.get("county_admin")
    ratings = []
    for v in villages:
        sec = secretaries.get(v.pk)
        if sec is None:
            continue
        for year in (2024, 2025):
            a, b, e = (Decimal(rng.randint(55, 98)) for _ in range(3))
            ratings.append(SecretaryRating(village=v, secretary_id=sec, year=year, exam_theory=a, exam_practice=b,
                                           evaluation=e, stars=stars_for((a + b) / 2, e), rated_by=rater))
    SecretaryRating.objects.bulk_create(ratings, batch_size=2000)
    measures = list(LeadGooseMeasure.objects.filter(active=True))
    LeadGooseMark.objects.bulk_create([
        LeadGooseMark(measure=m, village=v, year=2026, done=rng.random() < 0.6, marked_by=rater)
        for v in villages for m in measures], batch_size=5000)


def _work_items(ctx, rng, townships, villages, centers):
    categories = {c.code: c for c in WorkCategory.objects.all()}
    by_township: dict[int, list] = {}
    for v in villages:
        by_township.setdefault(v.parent_id, []).append(v)
    staff: dict[tuple, list] = {}
    for a in StaffAssignment.objects.filter(end_date__isnull=True):
        staff.setdefault((a.township_id, a.center_id), []).append(a.user_id)
    now = timezone.now()
    items = []
    for township in townships:
        for k in range(rng.randint(8, 14)):
            code, title = rng.choice(WORK)
            category = categories[code]
            center = centers[(township.pk, category.center_kind)]
            village = rng.choice(by_township[township.pk])
            status = rng.choice([WorkItem.Status.OPEN, WorkItem.Status.OPEN, WorkItem.Status.IN_PROGRESS, WorkItem.Status.DONE])
            people = staff.get((township.pk, center.pk)) or [None]
            items.append(WorkItem(
                township=township, center=center, category=category, title=title.format(v=village.name),
                status=status, deadline=now + dt.timedelta(days=rng.randint(-3, 15)),
                assignee_id=None if status == WorkItem.Status.OPEN else rng.choice(people),
                created_at=now - dt.timedelta(days=rng.randint(1, 20)),
                done_at=now - dt.timedelta(days=1) if status == WorkItem.Status.DONE else None))
    WorkItem.objects.bulk_create(items)
