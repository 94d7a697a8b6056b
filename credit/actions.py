"""Writes of credit/: keyword-only, validated (Chinese messages), scoped inside the transaction,
atomic, one history row per state change plus the audit log."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import lookups, pii
from governance.attachments import attachment_add
from governance.audit import audit_record, audit_record_many, notify
from governance.errors import Conflict
from governance.models import Region, Resident
from governance.scoping import (COUNTY, Role, load_for, require_region, scoped_by, user_roles,
                                within_regions)

from .models import (
    CRITERION_ORDER,
    GRADE_RANK,
    CheckPurpose,
    CODE_ALPHABET,
    CODE_LENGTH,
    Consent,
    CreditCertificate,
    CreditRecord,
    Criterion,
    CriterionCode,
    DomesticWorker,
    GradeCheck,
    Grade,
    Objection,
    RecordType,
    ResidentCredit,
    Review,
    ReviewEvent,
    Standard,
    WorkerRequest,
)
from .rules import OBJECTION, RECORD, REVIEW, WORKER, without_scope


def resident_for(actor, resident_id: int, action: str, model) -> Resident:
    """Inside the transaction: the resident, locked (load_for), if the actor may take `action` on `model` in
    the resident's region; otherwise not found (404)."""
    residents = scoped_by(within_regions(Resident.objects.all(), actor, model.scope_spec.roles_for(action)), actor,
                          f"residents where the actor holds a role that may {action} a {model.__name__}")
    return load_for(residents, actor, resident_id, lock=True, related=("region",))


def _step(rules, step: str, source, actor, pk, *, related=()):
    """The row a workflow step is about, locked and checked against the step's rule: 404 out of sight, 403
    seen but not allowed (the rule's scope, then its `who`), 409 when its state moved on."""
    rule = rules[step]
    obj = load_for(source, actor, pk, rule.scope or "view", lock=True, related=related)
    without_scope(rule).check(actor, obj)
    return obj


# --- the standard ---------------------------------------------------------------------------------


def standard_create(*, actor, version: int, name: str, effective_from: dt.date, record_valid_days: int,
                    thresholds: dict, criteria: list[dict], notice_days: int = 7,
                    household_rule: str = Standard.HouseholdRule.LOWEST) -> Standard:
    """A new version of the 信用七条. criteria: [{code, name, base, floor, ceiling,
    record_types: [{name, points}]}] — exactly the seven criteria, each once."""
    if not (COUNTY & user_roles(actor)) and not actor.is_superuser:
        raise PermissionDenied(_("只有县委组织部可以制定信用标准。"))
    codes = [c.get("code") for c in criteria]
    if len(criteria) != 7 or sorted(codes) != sorted(CRITERION_ORDER):
        raise ValidationError({"criteria": _("信用标准必须恰好包含七个条目（遵纪守法、诚信履约、孝老爱亲、邻里和睦、"
                                             "移风易俗、环境卫生、热心公益），每条一次；现有 %(n)d 条。") % {"n": len(criteria)}})
    errors = {}
    for c in criteria:
        label = CriterionCode(c["code"]).label
        if not (c["floor"] <= c["base"] <= c["ceiling"]) or c["floor"] >= c["ceiling"]:
            errors["criteria"] = _("“%(c)s”的分值应满足：最低分 ≤ 基础分 ≤ 最高分，且最低分小于最高分。") % {"c": label}
            break
        if not c.get("record_types"):
            errors["criteria"] = _("“%(c)s”至少需要一种记录类型。") % {"c": label}
            break
        for rt in c["record_types"]:
            if rt["points"] == 0 or not (c["floor"] - c["base"] <= rt["points"] <= c["ceiling"] - c["base"]):
                errors["criteria"] = _("“%(c)s”的记录类型“%(t)s”分值 %(p)s 超出该条目的范围（%(lo)d 至 +%(hi)d，且不为0）。") % {
                    "c": label, "t": rt["name"], "p": rt["points"], "lo": c["floor"] - c["base"],
                    "hi": c["ceiling"] - c["base"]}
                break
    t = thresholds
    if not (t["aaa"] > t["aa"] > t["a"] > t["b"]):
        errors["thresholds"] = _("等级分数线必须依次降低：AAA > AA > A > B。")
    if record_valid_days < 30:
        errors["record_valid_days"] = _("记录有效期不能少于30天。")
    if Standard.objects.filter(version=version).exists():
        errors["version"] = _("版本号 %(v)d 已存在。") % {"v": version}
    if not 1 <= notice_days <= 30:
        errors["notice_days"] = _("公示天数应在1至30天之间。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        standard = Standard.objects.create(
            version=version, name=name, effective_from=effective_from, record_valid_days=record_valid_days,
            aaa_min=t["aaa"], aa_min=t["aa"], a_min=t["a"], b_min=t["b"], notice_days=notice_days,
            household_rule=household_rule, created_by=actor if getattr(actor, "pk", None) else None)
        for c in sorted(criteria, key=lambda c: CRITERION_ORDER.index(c["code"])):
            crit = Criterion.objects.create(standard=standard, code=c["code"], name=c.get("name") or CriterionCode(c["code"]).label,
                                            base=c["base"], floor=c["floor"], ceiling=c["ceiling"])
            RecordType.objects.bulk_create([RecordType(criterion=crit, name=rt["name"], points=rt["points"])
                                            for rt in c["record_types"]])
        audit_record(actor=actor, action="credit.standard.create", obj=standard, to_state=f"V{version}",
                     data={"effective_from": effective_from.isoformat()})
    if effective_from <= timezone.localdate():
        from .tasks import recompute_grades

        transaction.on_commit(lambda: recompute_grades.delay())
    return standard


def standard_copy_payload(standard: Standard) -> dict:
    """A standard as the payload of `standard_create` (the editor starts from the current version)."""
    crits = Criterion.objects.filter(standard=standard).prefetch_related("record_types")
    return {
        "name": standard.name, "record_valid_days": standard.record_valid_days, "notice_days": standard.notice_days,
        "household_rule": standard.household_rule,
        "thresholds": {"aaa": standard.aaa_min, "aa": standard.aa_min, "a": standard.a_min, "b": standard.b_min},
        "criteria": [{"code": c.code, "name": c.name, "base": c.base, "floor": c.floor, "ceiling": c.ceiling,
                      "record_types": [{"name": rt.name, "points": rt.points} for rt in c.record_types.all() if rt.active]}
                     for c in crits],
    }


def resident_by_id_number(*, actor, id_number: str, action: str, model, field: str = "id_number") -> Resident:
    """Find a resident by full ID number inside the actor's scope for `action` on `model`. The same
    message whether the number is unknown or out of scope: a lookup reveals nothing."""
    within = within_regions(Resident.objects.all(), actor, model.scope_spec.roles_for(action))
    try:
        resident = lookups.find_one(actor=actor, queryset=within.select_related("region"),
                                    number=id_number.strip().upper(), purpose=f"credit.{model._meta.model_name}.{action}")
    except lookups.LookupLimited as exc:
        raise ValidationError({field: exc.messages})
    if resident is None:
        raise ValidationError({field: _("未找到该身份证号的居民，或该居民不在您的管辖范围内。")})
    return resident


# --- records --------------------------------------------------------------------------------------


def record_create(*, actor, resident: Resident, record_type: RecordType, fact_date: dt.date, evidence: str,
                  source: str, points: int | None = None, attachment=None) -> CreditRecord:
    criterion = record_type.criterion
    points = record_type.points if points in (None, "") else int(points)
    errors = {}
    if not record_type.active:
        errors["record_type"] = _("该记录类型已停用。")
    if points == 0 or not (criterion.floor - criterion.base <= points <= criterion.ceiling - criterion.base):
        errors["points"] = _("分值 %(p)d 超出“%(c)s”的范围：应在 %(lo)d 至 +%(hi)d 之间，且不为0。") % {
            "p": points, "c": criterion.name, "lo": criterion.floor - criterion.base, "hi": criterion.ceiling - criterion.base}
    elif (points > 0) != (record_type.points > 0):
        errors["points"] = _("分值的正负应与记录类型一致（%(t)s）。") % {"t": record_type}
    if fact_date > timezone.localdate():
        errors["fact_date"] = _("事实发生日期不能晚于今天。")
    if not (evidence or "").strip():
        errors["evidence"] = _("请填写证据说明。")
    if source not in CreditRecord.Source.values:
        errors["source"] = _("请选择信息来源。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resident = resident_for(actor, resident.pk, "add", CreditRecord)
        record = CreditRecord.objects.create(
            resident=resident, criterion=criterion.code, record_type=record_type, points=points, fact_date=fact_date,
            evidence=evidence.strip(), source=source, entered_by=actor)
        if attachment is not None:
            attachment_add(actor=actor, target=record, upload=attachment)
        audit_record(actor=actor, action="credit.record.create", obj=record, to_state=record.status,
                     region=resident.region, data={"points": points, "criterion": criterion.code})
    return record


def _record_decide(step: str, *, actor, record_id: int, to: str, reason: str = "") -> CreditRecord:
    """Verify or reject (credit/rules.py RECORD): the row locked and checked, a conditional UPDATE from the
    rule's states, one audit entry. The record returned carries what the answer shows (resident, type)."""
    with transaction.atomic():
        record = _step(RECORD, step, CreditRecord, actor, record_id,
                       related=("resident", "resident__region", "record_type"))
        now = timezone.now()
        updated = CreditRecord.objects.filter(pk=record.pk, status__in=RECORD[step].states).update(
            status=to, verified_by=actor, verified_at=now, reject_reason=reason)
        if not updated:
            raise Conflict(RECORD[step].refusal)
        audit_record(actor=actor, action=f"credit.record.{to}", obj=record, from_state=record.status,
                     to_state=to, reason=reason, region=record.resident.region)
        record.status, record.verified_by_id, record.verified_at, record.reject_reason = to, actor.pk, now, reason
    return record


def record_verify(*, actor, record_id: int) -> CreditRecord:
    return _record_decide("verify", actor=actor, record_id=record_id, to=CreditRecord.Status.VERIFIED)


def record_reject(*, actor, record_id: int, reason: str) -> CreditRecord:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("驳回时请写明理由。")})
    return _record_decide("reject", actor=actor, record_id=record_id, to=CreditRecord.Status.REJECTED,
                          reason=reason.strip())


# --- reviews --------------------------------------------------------------------------------------


def _log(reviews: list[Review], *, actor, from_status: str, to_status: str, note: str = "", action: str) -> None:
    """One history row and one audit row per review, in two INSERTs."""
    now = timezone.now()
    ReviewEvent.objects.bulk_create([ReviewEvent(review_id=r.pk, at=now, actor=actor, from_status=from_status,
                                                 to_status=to_status, note=note) for r in reviews])
    audit_record_many(actor=actor, action=action, objects=reviews, from_state=from_status, to_state=to_status,
                      reason=note, region_of=lambda r: r.village_id, repr_of=lambda r: f"{r.period} {r.proposed_grade}",
                      at=now)


def _reviews_for(step: str, actor, ids) -> list[Review]:
    """The bulk twin of load_for for a step of REVIEW (hundreds of reviews at once): the rows locked in one
    query, restricted for the rule's scope, in id order. One policy for the whole set: 404 when any is out of
    the actor's sight, 403 when all are seen but some may not take the step, 409 (nothing changed) when any
    has moved on from the rule's states."""
    rule = REVIEW[step]
    try:
        ids = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise ValidationError({"reviews": _("所选评议无效。")})
    if not ids:
        raise ValidationError({"reviews": _("请至少选择一条评议。")})
    rows = list(Review.objects.restrict(actor, rule.scope).select_for_update()
                .filter(pk__in=ids).order_by("pk"))
    if len(rows) != len(ids):
        if Review.objects.restrict(actor, "view").filter(pk__in=ids).count() != len(ids):
            raise Http404
        raise PermissionDenied(rule.denial)
    stale = [r for r in rows if not rule.state_ok(r)]
    if len(rows) == 1 and stale:
        raise Conflict(rule.refusal % {"status": stale[0].get_status_display()})
    if stale:
        raise Conflict(_("所选评议中有 %(n)d 条已不处于“%(s)s”状态（可能已被他人处理），本次未做任何更改，请刷新后重试。") % {
            "n": len(stale), "s": "、".join(str(Review.Status(s).label) for s in sorted(rule.states))})
    return rows


def review_give_opinion(*, actor, review_id: int, opinion: str, grade: str | None = None, adjust_reason: str = "") -> Review:
    """评议意见 of the village review meeting; an adjusted grade needs a written reason."""
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写村评议会的评议意见。")})
    with transaction.atomic():
        review = _step(REVIEW, "opinion", Review, actor, review_id)
        grade = grade or review.computed_grade
        if grade not in Grade.values:
            raise ValidationError({"grade": _("请选择有效的等级。")})
        if grade != review.computed_grade and not (adjust_reason or "").strip():
            raise ValidationError({"adjust_reason": _("评议等级与系统计算等级（%(g)s）不同，请写明调整理由。") % {"g": review.computed_grade}})
        Review.objects.filter(pk=review.pk).update(
            status=Review.Status.OPINION, opinion=opinion.strip(), proposed_grade=grade,
            adjust_reason=(adjust_reason or "").strip() if grade != review.computed_grade else "")
        review.refresh_from_db()
        _log([review], actor=actor, from_status="draft", to_status="opinion", action="credit.review.opinion",
             note=opinion.strip() + (f"（{_('调整为')} {grade}：{adjust_reason.strip()}）" if grade != review.computed_grade else ""))
    return review


def reviews_agree_computed(*, actor, review_ids, opinion: str) -> int:
    """The review meeting agrees with the computed grade of many residents at once."""
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写村评议会的评议意见。")})
    with transaction.atomic():
        rows = _reviews_for("opinion", actor, review_ids)
        Review.objects.filter(pk__in=[r.pk for r in rows], status__in=REVIEW["opinion"].states).update(
            status=Review.Status.OPINION, opinion=opinion.strip(), adjust_reason="")
        _log(rows, actor=actor, from_status="draft", to_status="opinion", note=opinion.strip(),
             action="credit.review.opinion")
    return len(rows)


def _approve(actor, review_ids) -> list[Review]:
    """The village secretary approves; the public notice (公示) starts at once. All or nothing."""
    rows = _reviews_for("approve", actor, review_ids)
    today = timezone.localdate()
    by_days: dict[int, list[int]] = {}
    days_of = dict(Standard.objects.filter(pk__in={r.standard_id for r in rows}).values_list("pk", "notice_days"))
    for r in rows:
        by_days.setdefault(days_of[r.standard_id], []).append(r.pk)
    now = timezone.now()
    for days, ids in by_days.items():
        Review.objects.filter(pk__in=ids, status__in=REVIEW["approve"].states).update(
            status=Review.Status.NOTICE, approved_by=actor, approved_at=now, notice_until=today + dt.timedelta(days=days))
    _log(rows, actor=actor, from_status="opinion", to_status="notice", note=_("书记审批通过，进入公示"),
         action="credit.review.approve")
    users = list(Resident.objects.filter(pk__in=[r.resident_id for r in rows], user__isnull=False)
                 .values_list("user_id", flat=True))
    # Every resident on notice is told, account or not (by registered phone: the notice carries legal weight).
    notify(users, title=_("您的信用等级评议已进入公示"), body=_("如有异议，请在公示期内在“我的信用”页面提出。"),
           event="credit.notice", residents=[r.resident_id for r in rows], sender=actor,
           region=rows[0].village_id if rows and len({r.village_id for r in rows}) == 1 else None)
    for r in rows:
        r.status, r.approved_by_id, r.approved_at = Review.Status.NOTICE, actor.pk, now
        r.notice_until = today + dt.timedelta(days=days_of[r.standard_id])
    return rows


def reviews_approve(*, actor, review_ids) -> int:
    """The village secretary approves many reviews at once (all or nothing); returns how many."""
    with transaction.atomic():
        return len(_approve(actor, review_ids))


def review_approve(*, actor, review_id: int) -> Review:
    """One review approved (the review page's button): the bulk approval of one."""
    with transaction.atomic():
        return _approve(actor, [review_id])[0]


def review_send_back(*, actor, review_id: int, reason: str) -> Review:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回时请写明理由。")})
    with transaction.atomic():
        review = _step(REVIEW, "send_back", Review, actor, review_id)
        Review.objects.filter(pk=review.pk, status__in=REVIEW["send_back"].states).update(status=Review.Status.DRAFT)
        _log([review], actor=actor, from_status="opinion", to_status="draft", note=reason.strip(),
             action="credit.review.send_back")
        review.status = Review.Status.DRAFT
    return review


def objection_raise(*, actor, review_id: int, reason: str) -> Objection:
    """异议: only the resident themself, only while the notice runs."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明异议理由。")})
    rule = REVIEW["object"]
    with transaction.atomic():
        review = load_for(Review, actor, review_id, lock=True, related=("resident", "village"))
        try:
            rule.check(actor, review)
        except Conflict:  # the notice ended or was never started: a mistake of the form, not a race
            raise ValidationError({"reason": rule.refusal})
        objection = Objection.objects.create(review=review, raised_by=actor, reason=reason.strip())
        ReviewEvent.objects.create(review=review, actor=actor, from_status=review.status, to_status=review.status,
                                   note=_("居民提出异议：%(r)s") % {"r": reason.strip()})
        audit_record(actor=actor, action="credit.objection.raise", obj=objection, to_state=objection.status,
                     region=review.village)
    return objection


def objection_answer(*, actor, objection_id: int, answer: str, decision: str, new_grade: str = "") -> Objection:
    errors = {}
    if not (answer or "").strip():
        errors["answer"] = _("请填写答复内容。")
    if decision not in Objection.Decision.values:
        errors["decision"] = _("请选择处理结果。")
    elif decision == Objection.Decision.CHANGE and new_grade not in Grade.values:
        errors["new_grade"] = _("改为新的等级时，请选择更正后的等级。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        objection = _step(OBJECTION, "answer", Objection, actor, objection_id)
        updated = Objection.objects.filter(pk=objection.pk, status__in=OBJECTION["answer"].states).update(
            status=Objection.Status.ANSWERED, answer=answer.strip(), decision=decision,
            new_grade=new_grade if decision == Objection.Decision.CHANGE else "", answered_by=actor,
            answered_at=timezone.now())
        if not updated:
            raise Conflict(OBJECTION["answer"].refusal)
        review = Review.objects.select_for_update().select_related("village").get(pk=objection.review_id)
        note = _("异议已答复：%(a)s") % {"a": answer.strip()}
        if decision == Objection.Decision.CHANGE and new_grade != review.proposed_grade:
            Review.objects.filter(pk=review.pk).update(
                proposed_grade=new_grade, adjust_reason=(review.adjust_reason + "\n" if review.adjust_reason else "")
                + _("异议答复更正：%(a)s") % {"a": answer.strip()})
            note += _("（等级更正为 %(g)s）") % {"g": new_grade}
        ReviewEvent.objects.create(review=review, actor=actor, from_status=review.status, to_status=review.status,
                                   note=note)
        audit_record(actor=actor, action="credit.objection.answer", obj=objection, from_state="open",
                     to_state="answered", reason=answer.strip(), region=review.village)
        if objection.raised_by_id:
            notify([objection.raised_by_id], title=_("您的信用等级异议已答复"), body=answer.strip(),
                   event="credit.objection_answer", residents=[review.resident_id], sender=actor,
                   region=review.village)
        objection.refresh_from_db()
    return objection


def reviews_make_effective(*, today: dt.date | None = None) -> int:
    """Noticed reviews whose notice has ended and that have no unanswered objection take effect
    (set-based; idempotent). Returns how many took effect."""
    from django.db.models import Exists, OuterRef, Subquery

    today = today or timezone.localdate()
    with transaction.atomic():
        due = (Review.objects.select_for_update().filter(status=Review.Status.NOTICE, notice_until__lt=today)
               .exclude(Exists(Objection.objects.filter(review=OuterRef("pk"), status=Objection.Status.OPEN))))
        rows = list(due.only("pk", "village_id", "period", "proposed_grade", "resident_id"))
        if not rows:
            return 0
        ids = [r.pk for r in rows]
        review_of = Review.objects.filter(pk__in=ids, resident=OuterRef("resident_id"))
        ResidentCredit.objects.filter(resident_id__in=[r.resident_id for r in rows]).update(
            effective_grade=Subquery(review_of.values("proposed_grade")[:1]),
            effective_standard=Subquery(review_of.values("standard_id")[:1]),
            effective_review=Subquery(review_of.values("pk")[:1]),
            effective_since=today)
        Review.objects.filter(pk__in=ids, status=Review.Status.NOTICE).update(status=Review.Status.EFFECTIVE,
                                                                              effective_on=today)
        _log(rows, actor=None, from_status="notice", to_status="effective", note=_("公示期满，无未答复异议，等级生效"),
             action="credit.review.effective")
    return len(rows)


# --- consents and grade checks -------------------------------------------------------------------


def consent_record(*, actor, resident: Resident, unit, purpose: CheckPurpose, valid_until: dt.date,
                   evidence: str) -> Consent:
    """The resident (on their own page) or the village office (with the signed form) records consent."""
    errors = {}
    if valid_until < timezone.localdate():
        errors["valid_until"] = _("授权有效期不能早于今天。")
    if valid_until > timezone.localdate() + dt.timedelta(days=366):
        errors["valid_until"] = _("授权有效期最长一年。")
    if not (evidence or "").strip():
        errors["evidence"] = _("请填写授权凭证（如签字授权书编号）。")
    if unit.kind != "financial":
        errors["unit"] = _("只有金融机构（银行、信用社）需要查询授权。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if resident.user_id != actor.pk:
            resident = resident_for(actor, resident.pk, "add", Consent)
        consent = Consent.objects.create(resident=resident, unit=unit, purpose=purpose, valid_until=valid_until,
                                         evidence=evidence.strip(), recorded_by=actor)
        audit_record(actor=actor, action="credit.consent.record", obj=consent, region=resident.region,
                     data={"unit": unit.pk, "purpose": purpose.code})
    return consent


def consent_give(*, actor, unit, purpose: CheckPurpose, valid_until: dt.date, evidence: str) -> Consent:
    """The resident's own consent, on their credit page."""
    resident = Resident.objects.filter(user=actor).first() if getattr(actor, "pk", None) else None
    if resident is None:
        raise Http404
    return consent_record(actor=actor, resident=resident, unit=unit, purpose=purpose, valid_until=valid_until,
                          evidence=evidence)


def consent_revoke(*, actor, consent_id: int) -> Consent:
    """The resident takes a consent back (the owner's "change"; 403 for staff who only see it)."""
    with transaction.atomic():
        consent = load_for(Consent, actor, consent_id, "change", lock=True, related=("resident__region",))
        now = timezone.now()
        if not Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise Conflict(_("该授权已撤回。"))
        audit_record(actor=actor, action="credit.consent.revoke", obj=consent, region=consent.resident.region)
        consent.revoked_at = now
    return consent


def _check(*, actor, resident: Resident, purpose: CheckPurpose, unit=None, consent=None) -> GradeCheck:
    credit = ResidentCredit.objects.filter(resident=resident).select_related("effective_standard").first()
    grade = credit.effective_grade if credit else ""
    passed = bool(grade) and GRADE_RANK[grade] >= GRADE_RANK[purpose.min_grade]
    check = GradeCheck.objects.create(
        purpose=purpose, resident=resident, grade_seen=grade,
        standard_seen=credit.effective_standard if credit else None,
        rule=_("%(p)s需生效信用等级不低于 %(g)s") % {"p": purpose.name, "g": purpose.min_grade},
        result=GradeCheck.Result.PASS if passed else GradeCheck.Result.FAIL, asked_by=actor, unit=unit, consent=consent)
    audit_record(actor=actor, action="credit.check", obj=check, to_state=check.result, region=resident.region,
                 data={"purpose": purpose.code, "unit": unit.pk if unit else None})
    return check


def grade_check(*, actor, resident: Resident, purpose: CheckPurpose) -> GradeCheck:
    """A check by the township or village office (参军, 入党 …) of a resident in its scope."""
    if not purpose.active:
        raise ValidationError({"purpose": _("该查询用途已停用。")})
    with transaction.atomic():
        resident = resident_for(actor, resident.pk, "check", GradeCheck)
        return _check(actor=actor, resident=resident, purpose=purpose)


def grade_check_create(*, actor, purpose: CheckPurpose, id_number: str, unit=None) -> GradeCheck:
    """A check through the API: by a bank or credit cooperative (`unit`: with the resident's consent) or by
    the township or village office (the resident found by ID number inside its scope)."""
    if unit is not None:
        return grade_check_by_unit(actor=actor, unit=unit, id_number=id_number, purpose=purpose)
    try:
        number = pii.parse_id_number(id_number).value
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    resident = resident_by_id_number(actor=actor, id_number=number, action="check", model=GradeCheck)
    return grade_check(actor=actor, resident=resident, purpose=purpose)


def grade_check_by_unit(*, actor, unit, id_number: str, purpose: CheckPurpose) -> GradeCheck:
    """A bank or credit cooperative checks by ID number, only with the resident's consent on record."""
    if not unit.staff.filter(pk=actor.pk).exists() or Role.UNIT_STAFF not in user_roles(actor):
        raise Http404
    if not purpose.active:
        raise ValidationError({"purpose": _("该查询用途已停用。")})
    try:
        number = pii.parse_id_number(id_number).value
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    with transaction.atomic():
        resident = Resident.objects.filter(id_hash=pii.keyed_hash(number)).select_related("region").first()
        today = timezone.localdate()
        consent = (Consent.objects.filter(resident=resident, unit=unit, purpose=purpose, revoked_at__isnull=True,
                                          valid_until__gte=today).order_by("-valid_until").first()
                   if resident else None)
        if consent is None:
            # Same message whether or not the number is registered: a unit learns nothing without consent.
            raise ValidationError({"id_number": _("未查到该居民对本单位“%(p)s”查询的有效授权，不能查询。请先由本人授权。") % {
                "p": purpose.name}})
        return _check(actor=actor, resident=resident, purpose=purpose, unit=unit, consent=consent)


# --- 信用等级证明 ------------------------------------------------------------------------------------

def _explanation_snapshot(resident) -> dict:
    from .scoring import explain

    exp = explain(resident)
    if exp is None:
        return {}
    return {"standard": str(exp.standard), "on": exp.on.isoformat(), "total": exp.total, "grade": exp.grade,
            "lines": [{"name": str(line.rule.name), "score": line.score, "records": len(line.records)}
                      for line in exp.lines]}


def certificate_issue(*, actor, check_id: int, valid_days: int | None = None) -> CreditCertificate:
    """出具信用等级证明 from one check, by whoever may see the check (its asker, the resident's offices). One
    certificate per check: asking again returns the one already issued (a double click makes one)."""
    import secrets

    from django.conf import settings

    with transaction.atomic():
        check = load_for(GradeCheck, actor, check_id, "view", lock=True,
                         related=("resident__region", "purpose", "standard_seen"))
        existing = CreditCertificate.objects.filter(grade_check=check).first()
        if existing is not None:
            return existing
        days = valid_days or getattr(settings, "CREDIT_CERTIFICATE_DAYS", 90)
        cert = CreditCertificate.objects.create(
            grade_check=check, code="".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)),
            explanation=_explanation_snapshot(check.resident), issued_by=actor,
            valid_until=timezone.localdate() + dt.timedelta(days=days))
        # The code is the certificate's bearer secret for /verify/: not in the audit row.
        audit_record(actor=actor, action="credit.certificate.issue", obj=cert, region=check.resident.region,
                     data={"check": check.pk, "purpose": check.purpose.code})
    return cert


def certificate_revoke(*, actor, certificate_id: int, reason: str) -> CreditCertificate:
    """作废: the public page then says the certificate is void."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明作废原因。")})
    with transaction.atomic():
        cert = load_for(CreditCertificate, actor, certificate_id, "change", lock=True,
                        related=("grade_check__resident__region",))
        now = timezone.now()
        if not CreditCertificate.objects.filter(pk=cert.pk, revoked_at__isnull=True).update(
                revoked_at=now, revoke_reason=reason[:200]):
            raise Conflict(_("该证明已作废。"))
        audit_record(actor=actor, action="credit.certificate.revoke", obj=cert,
                     region=cert.grade_check.resident.region, reason=reason)
        cert.revoked_at, cert.revoke_reason = now, reason[:200]
    return cert


# --- 家嫂 -----------------------------------------------------------------------------------------


def worker_register(*, actor, resident: Resident, skills: str, certificates: str, stars: int,
                    available: bool = True) -> DomesticWorker:
    errors = {}
    if not 1 <= int(stars) <= 5:
        errors["stars"] = _("星级应为1至5星。")
    if not (skills or "").strip():
        errors["skills"] = _("请填写至少一项技能。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resident = resident_for(actor, resident.pk, "add", DomesticWorker)
        if DomesticWorker.objects.filter(resident=resident).exists():
            raise ValidationError({"resident": _("该居民已在家嫂名册中。")})
        worker = DomesticWorker.objects.create(resident=resident, skills=skills.strip(), certificates=certificates.strip(),
                                               stars=int(stars), available=available)
        audit_record(actor=actor, action="credit.worker.register", obj=worker, region=resident.region)
    return worker


def worker_update(*, actor, worker_id: int, skills: str | None = None, certificates: str | None = None,
                  stars: int | None = None, available: bool | None = None) -> DomesticWorker:
    """Change a 家嫂's entry; what is not given (None) stays as it is."""
    if stars is not None and not 1 <= int(stars) <= 5:
        raise ValidationError({"stars": _("星级应为1至5星。")})
    if skills is not None and not skills.strip():
        raise ValidationError({"skills": _("请填写至少一项技能。")})
    with transaction.atomic():
        worker = _step(WORKER, "edit", DomesticWorker, actor, worker_id, related=("resident", "resident__region"))
        old = worker.stars
        changes = {k: v for k, v in {"skills": skills.strip() if skills is not None else None,
                                     "certificates": certificates.strip() if certificates is not None else None,
                                     "stars": int(stars) if stars is not None else None,
                                     "available": available}.items() if v is not None}
        if changes:
            DomesticWorker.objects.filter(pk=worker.pk).update(**changes)
        for k, v in changes.items():
            setattr(worker, k, v)
        audit_record(actor=actor, action="credit.worker.update", obj=worker, from_state=str(old),
                     to_state=str(worker.stars), region=worker.resident.region)
    return worker


def worker_request_create(*, actor, region: Region, employer: str, skill: str, note: str = "") -> WorkerRequest:
    errors = {}
    if not (employer or "").strip():
        errors["employer"] = _("请填写雇主。")
    if not (skill or "").strip():
        errors["skill"] = _("请填写所需技能。")
    if region.level > Region.Level.VILLAGE:
        errors["region"] = _("服务范围应为县、乡镇（街道）或村（社区）。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        require_region(actor, region, WorkerRequest.scope_spec.roles_for("add"))
        req = WorkerRequest.objects.create(region=region, employer=employer.strip(), skill=skill.strip(),
                                           note=(note or "").strip(), created_by=actor)
        audit_record(actor=actor, action="credit.worker_request.create", obj=req, region=region)
    return req


