"""credit/ in the demo county: realistic records (a few percent negative), a recompute, reviews at
every stage in 青石镇's first village, objections, consents, grade checks, the 家嫂 register.
Idempotent (skipped once records exist), bulk-inserted."""
from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from centers.models import Unit
from governance.models import Region, Resident

from .models import (CheckPurpose, Consent, CreditRecord, DomesticWorker, GradeCheck, Objection, RecordType,
                     ResidentCredit, Review, ReviewEvent, WorkerRequest)
from .recompute import recompute_all

EVIDENCE_POS = ["村民代表会议通报表扬", "镇政府表彰文件", "网格员走访核实", "志愿服务记录", "村务公开栏公示"]
EVIDENCE_NEG = ["派出所处理通知", "法院执行信息", "网格员走访发现并拍照", "邻里调解记录", "村规民约执行记录"]
SKILLS = ["育婴", "保洁", "护理", "烹饪", "月嫂", "养老陪护"]
CERTS = ["育婴师（四级）", "养老护理员证", "健康证", "家政服务员（初级）", ""]


def seed(ctx) -> None:
    if CreditRecord.objects.exists():
        return
    rng = ctx.rng
    today = timezone.localdate()
    users = ctx.users
    author, verifier = users.get("grid_leader"), users.get("village_assistant")
    types = list(RecordType.objects.filter(criterion__standard__version=1).select_related("criterion"))
    positive = [t for t in types if t.points > 0]
    negative = [t for t in types if t.points < 0]

    rows = []
    for rid in Resident.objects.filter(birth_date__lte=today - dt.timedelta(days=18 * 365)).values_list("pk", flat=True):
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            rt = rng.choice(negative) if rng.random() < 0.05 else rng.choice(positive)
            status = rng.choices(["verified", "pending", "rejected"], [88, 9, 3])[0]
            rows.append(CreditRecord(
                resident_id=rid, criterion=rt.criterion.code, record_type=rt, points=rt.points,
                fact_date=today - dt.timedelta(days=rng.randrange(0, 1300)),
                evidence=rng.choice(EVIDENCE_NEG if rt.points < 0 else EVIDENCE_POS),
                source=rng.choice(["grid_visit", "grid_visit", "department", "self", "village"]), status=status,
                entered_by=author, verified_by=verifier if status != "pending" else None,
                verified_at=timezone.now() if status != "pending" else None,
                reject_reason="经核实与事实不符" if status == "rejected" else ""))
    CreditRecord.objects.bulk_create(rows, batch_size=5000)
    ctx.log(f"  信用记录 {len(rows)} 条")

    recompute_all(today=today)
    _stage_reviews(ctx, today)
    _checks_and_consents(ctx, today)
    _workers(ctx)


def _stage_reviews(ctx, today) -> None:
    """Everywhere but the demo village the last round has taken effect; there, every stage shows."""
    rng = ctx.rng
    village = Region.objects.filter(parent__name="青石镇").order_by("path").first()
    elsewhere = Review.objects.filter(status="draft").exclude(village=village)
    past = today - dt.timedelta(days=40)
    ResidentCredit.objects.filter(resident__credit_reviews__in=elsewhere).update(
        effective_grade=F("grade"), effective_standard=F("standard"), effective_since=past)
    elsewhere.update(status="effective", opinion="村评议会同意", approved_at=timezone.now() - dt.timedelta(days=50),
                     notice_until=past - dt.timedelta(days=1), effective_on=past)
    ReviewEvent.objects.filter(review__status="effective").update(note="上一轮评议：审批、公示期满后生效")

    secretary, assistant = ctx.users.get("village_secretary"), ctx.users.get("village_assistant")
    here = list(Review.objects.filter(village=village, status="draft").order_by("pk"))
    rng.shuffle(here)
    n = len(here)
    effective, notice, opinion = here[: n // 2], here[n // 2 : n * 7 // 10], here[n * 7 // 10 : n * 85 // 100]
    ids = lambda rows: [r.pk for r in rows]  # noqa: E731
    ResidentCredit.objects.filter(resident__credit_reviews__pk__in=ids(effective)).update(
        effective_grade=F("grade"), effective_standard=F("standard"), effective_since=today - dt.timedelta(days=3))
    Review.objects.filter(pk__in=ids(effective)).update(status="effective", opinion="村评议会同意系统计算等级",
                                                         approved_by=secretary, effective_on=today - dt.timedelta(days=3))
    Review.objects.filter(pk__in=ids(notice)).update(status="notice", opinion="村评议会同意系统计算等级",
                                                      approved_by=secretary, approved_at=timezone.now(),
                                                      notice_until=today + dt.timedelta(days=5))
    Review.objects.filter(pk__in=ids(opinion)).update(status="opinion", opinion="村评议会同意系统计算等级")
    # Previous grades, so the secretary's page has differences to put first.
    Review.objects.filter(pk__in=ids(opinion + notice)).update(previous_grade="A")
    adjusted = opinion[:3]
    for r in adjusted:
        Review.objects.filter(pk=r.pk).update(proposed_grade="AA" if r.computed_grade != "AA" else "AAA",
                                              adjust_reason="长期义务照料孤寡老人，村民代表一致认可，评议上调一级")
    events = []
    for r in effective:
        events += [ReviewEvent(review_id=r.pk, actor=assistant, from_status="draft", to_status="opinion", note="村评议会同意系统计算等级"),
                   ReviewEvent(review_id=r.pk, actor=secretary, from_status="opinion", to_status="notice", note="书记审批通过，进入公示"),
                   ReviewEvent(review_id=r.pk, from_status="notice", to_status="effective", note="公示期满，无未答复异议，等级生效")]
    for r in notice:
        events += [ReviewEvent(review_id=r.pk, actor=assistant, from_status="draft", to_status="opinion", note="村评议会同意系统计算等级"),
                   ReviewEvent(review_id=r.pk, actor=secretary, from_status="opinion", to_status="notice", note="书记审批通过，进入公示")]
    for r in opinion:
        events.append(ReviewEvent(review_id=r.pk, actor=assistant, from_status="draft", to_status="opinion", note="村评议会同意系统计算等级"))
    ReviewEvent.objects.bulk_create(events, batch_size=5000)

    # The demo villagers: one in notice (may object), the migrant with an open objection, one answered.
    for username in ("resident", "resident_away"):
        user = ctx.users.get(username)
        res = getattr(user, "resident", None) if user else None
        if res is None:
            continue
        review = Review.objects.filter(resident=res).order_by("-pk").first()
        if review is None:
            continue
        Review.objects.filter(pk=review.pk).update(status="notice", approved_by=secretary, opinion="村评议会同意系统计算等级",
                                                   notice_until=today + dt.timedelta(days=5), approved_at=timezone.now())
        if username == "resident_away":
            Objection.objects.create(review=review, raised_by=user,
                                     reason="我常年在外务工，村里记录的“乱堆乱放”是老宅租户所为，请核实。")
    answered = notice[:2]
    for r in answered:
        owner = Resident.objects.filter(pk=r.resident_id).values_list("user_id", flat=True).first()
        if owner is None:
            owner = ctx.users["village_assistant"].pk  # recorded on the villager's behalf at the office
        Objection.objects.create(review_id=r.pk, raised_by_id=owner, reason="对评议等级有疑问，申请复核。",
                                 status="answered", answer="经村评议会复核，记录属实，维持评议等级。", decision="keep",
                                 answered_by=secretary, answered_at=timezone.now())
    ctx.log(f"  评议：{village.name} 各阶段 {n} 条，其余村已生效")


def _checks_and_consents(ctx, today) -> None:
    township = Region.objects.filter(name="城关街道").first()
    unit, _ = Unit.objects.get_or_create(name="云溪农商银行城关支行", defaults={
        "kind": Unit.Kind.FINANCIAL, "region": township or ctx.county, "contact_name": "信贷部"})
    if ctx.users.get("unit_staff"):
        unit.staff.add(ctx.users["unit_staff"])
    Unit.objects.get_or_create(name="云溪县农村信用合作联社", defaults={"kind": Unit.Kind.FINANCIAL, "region": ctx.county})
    loan, party, enlist = (CheckPurpose.objects.get(code=c) for c in ("loan", "party", "enlist"))
    village = Region.objects.filter(parent__name="青石镇").order_by("path").first()
    credits = list(ResidentCredit.objects.filter(resident__region__path__startswith=village.path)
                   .exclude(effective_grade="").select_related("resident", "effective_standard")[:12])
    assistant, staff = ctx.users.get("village_assistant"), ctx.users.get("township_staff")
    checks = []
    for i, c in enumerate(credits):
        purpose = [loan, party, enlist][i % 3]
        from .models import GRADE_RANK

        ok = GRADE_RANK[c.effective_grade] >= GRADE_RANK[purpose.min_grade]
        consent = None
        if purpose == loan:
            consent = Consent.objects.create(resident=c.resident, unit=unit, purpose=loan,
                                             valid_until=today + dt.timedelta(days=90),
                                             evidence=f"授权书 2026-{100 + i}号", recorded_by=assistant)
        checks.append(GradeCheck(purpose=purpose, resident=c.resident, grade_seen=c.effective_grade,
                                 standard_seen=c.effective_standard,
                                 rule=f"{purpose.name}需生效信用等级不低于 {purpose.min_grade}",
                                 result="pass" if ok else "fail",
                                 asked_by=ctx.users.get("unit_staff") if consent else staff,
                                 unit=unit if consent else None, consent=consent))
    GradeCheck.objects.bulk_create(checks)
    # 信用等级证明: the township issued enlistment certificates and the bank loan certificates from some of
    # these checks (through the action, so each has a real code, the explanation snapshot and its audit row);
    # one was revoked. The codes are listed in the log so the public page /credit/verify/ can be tried.
    from .actions import certificate_issue, certificate_revoke

    issued = []
    for check in checks[:6]:
        if check.asked_by is not None:
            issued.append(certificate_issue(actor=check.asked_by, check_id=check.pk))
    if len(issued) > 1:
        certificate_revoke(actor=issued[-1].issued_by, certificate_id=issued[-1].pk, reason="用途变更，已重新出具")
    ctx.log("  证明：" + "，".join(c.code_display for c in issued) + "（核验：/credit/verify/）")


def _workers(ctx) -> None:
    rng = ctx.rng
    township = Region.objects.filter(name="青石镇").first()
    if township is None:
        return
    women = list(Resident.objects.filter(region__path__startswith=township.path, gender="F",
                                         birth_date__range=(dt.date(1966, 1, 1), dt.date(2000, 1, 1)))
                 .order_by("pk").values_list("pk", flat=True)[:60])
    DomesticWorker.objects.bulk_create([
        DomesticWorker(resident_id=pk, skills="、".join(rng.sample(SKILLS, rng.randint(1, 3))),
                       certificates=rng.choice(CERTS), stars=rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 3, 2])[0],
                       available=rng.random() < 0.85) for pk in women])
    creator = ctx.users.get("village_assistant")
    village = Region.objects.filter(parent=township).order_by("path").first()
    for employer, skill in [("县城 王女士（二胎家庭）", "育婴"), ("城关街道 刘先生（老人术后）", "护理"), ("杭州 陈女士", "保洁")]:
        WorkerRequest.objects.create(region=township if skill != "育婴" else village, employer=employer, skill=skill,
                                     note="雇主希望诚信记录良好", created_by=creator)
