"""Reads of credit/: every queryset starts from restrict(user, action) and preloads what is shown."""
from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Resident
from governance.scoping import beyond_scope

from .models import (
    GRADE_RANK,
    CheckPurpose,
    Consent,
    CreditCertificate,
    CreditRecord,
    DomesticWorker,
    GradeCheck,
    Objection,
    RecordType,
    ResidentCredit,
    Review,
    Standard,
    WorkerRequest,
    normalize_code,
)


def grade_rank(field: str) -> Case:
    return Case(*[When(**{field: g}, then=Value(rank)) for g, rank in GRADE_RANK.items()], default=Value(0),
                output_field=IntegerField())


def standard_list(*, user) -> QuerySet[Standard]:
    return Standard.objects.restrict(user, "view").annotate(n_criteria=Count("criteria")).order_by("-version")


def record_type_list(*, user) -> QuerySet[RecordType]:
    return RecordType.objects.restrict(user, "view").select_related("criterion", "criterion__standard")


def check_purpose_list(*, user) -> QuerySet[CheckPurpose]:
    return CheckPurpose.objects.restrict(user, "view")


def record_list(*, user, action: str = "view") -> QuerySet[CreditRecord]:
    return (CreditRecord.objects.restrict(user, action)
            .select_related("resident", "resident__region", "record_type", "entered_by", "verified_by"))


def credit_list(*, user) -> QuerySet[ResidentCredit]:
    return (ResidentCredit.objects.restrict(user, "view")
            .select_related("resident", "resident__region", "standard", "effective_standard"))


def review_list(*, user, action: str = "view") -> QuerySet[Review]:
    """Differences from the last grade first (what the secretary must look at), then by name."""
    differs = Case(When(proposed_grade=Coalesce("previous_grade", Value("")), then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    return (Review.objects.restrict(user, action)
            .select_related("resident", "resident__region", "village", "standard", "approved_by")
            .annotate(same_as_before=differs, open_objections=Count("objections", filter=Q(objections__status="open")))
            .order_by("same_as_before", "village__path", "resident__name", "pk"))


def notice_list(*, user) -> QuerySet[Review]:
    """The public notice (公示): reviews in notice in the villages the user belongs to or oversees."""
    return (Review.objects.restrict(user, "notice").filter(status=Review.Status.NOTICE)
            .select_related("resident", "village").order_by("village__path", "resident__name", "pk"))


def objection_list(*, user, action: str = "view") -> QuerySet[Objection]:
    return (Objection.objects.restrict(user, action)
            .select_related("review", "review__resident", "review__village", "raised_by", "answered_by"))


def consent_list(*, user) -> QuerySet[Consent]:
    return Consent.objects.restrict(user, "view").select_related("resident", "unit", "purpose", "recorded_by")


def check_list(*, user) -> QuerySet[GradeCheck]:
    return (GradeCheck.objects.restrict(user, "view")
            .select_related("purpose", "resident", "resident__region", "asked_by", "unit", "standard_seen"))


def grade_uses(*, user) -> QuerySet[GradeCheck]:
    """Every reading of the user's own grade — who checked, for what, when, with what result."""
    return beyond_scope(
        GradeCheck.objects.filter(resident__user=user).select_related("purpose", "asked_by", "unit")
        .order_by("-checked_at", "-id"),
        "a resident reads every use of their own grade (GradeCheck's owner is the one who asked)")


def certificate_list(*, user) -> QuerySet[CreditCertificate]:
    return (CreditCertificate.objects.restrict(user, "view")
            .select_related("grade_check__purpose", "grade_check__resident__region", "grade_check__unit",
                            "grade_check__standard_seen", "issued_by"))


def certificate_status(*, code: str) -> tuple[str, CreditCertificate | None]:
    """The public verification page: "valid", "expired", "revoked" or "unknown" for a typed code — and nothing
    else of the certificate leaves this function's caller (the page shows the state and the valid-until date)."""
    code = normalize_code(code)
    cert = beyond_scope(CreditCertificate.objects.only("pk", "valid_until", "revoked_at"),
                        "anyone may ask whether a certificate is valid: the code is the bearer's secret, "
                        "the answer only its validity").filter(code=code).first() if code else None
    if cert is None:
        return "unknown", None
    return cert.status_on(timezone.localdate()), cert


def worker_list(*, user) -> QuerySet[DomesticWorker]:
    return (DomesticWorker.objects.restrict(user, "view")
            .select_related("resident", "resident__region", "resident__credit")
            .annotate(grade_rank=grade_rank("resident__credit__effective_grade")))


def worker_request_list(*, user) -> QuerySet[WorkerRequest]:
    return WorkerRequest.objects.restrict(user, "view").select_related("region", "created_by")


def my_residents(*, user) -> QuerySet[Resident]:
    """The residents registered with the user's own account (a resident's "me")."""
    if not user.is_authenticated:
        return Resident.objects.none()
    return Resident.objects.restrict(user, "view").filter(user=user).select_related("region", "credit")


def user_units(*, user):
    """The banks and credit cooperatives the user works for (their staff see their own unit)."""
    from centers.models import Unit

    return (Unit.objects.restrict(user, "view").filter(staff=user, active=True, kind=Unit.Kind.FINANCIAL)
            .order_by("name"))


def consent_units(*, user=None):
    """The units a resident may consent to: every active bank and credit cooperative of the county."""
    from centers.models import Unit

    return beyond_scope(Unit.objects.filter(kind=Unit.Kind.FINANCIAL, active=True).order_by("name"),
                        "a resident may let any bank or credit cooperative of the county check their grade, "
                        "wherever the unit sits in the tree")


def check_purposes(*, user) -> QuerySet[CheckPurpose]:
    """The purposes a grade is checked for today (the county's list, active ones)."""
    return check_purpose_list(user=user).filter(active=True).order_by("id")


def record_types_in_force(*, user) -> QuerySet[RecordType]:
    """The record types of the standard in force, active ones: what a new record may be."""
    from .scoring import standard_on

    return record_type_list(user=user).filter(criterion__standard=standard_on(), active=True)


def shortlist(*, user, request: WorkerRequest, limit: int = 20) -> tuple[list[dict], str]:
    """The ranked 家嫂 shortlist: honest workers first (credit grade), then stars; workers below the
    configured grade (the 家嫂推荐 purpose's minimum) or without an effective grade are left out."""
    purpose = check_purpose_list(user=user).filter(code="jiasao").first()
    minimum = purpose.min_grade if purpose else "B"
    qs = (worker_list(user=user).filter(available=True, skills__contains=request.skill,
                                        resident__region__path__startswith=request.region.path)
          .filter(grade_rank__gte=GRADE_RANK[minimum])
          .order_by("-grade_rank", "-stars", "resident__name", "pk"))[:limit]
    rows = []
    for place, w in enumerate(qs, start=1):
        grade = w.resident.credit.effective_grade
        why = _("信用等级 %(g)s（诚信优先）、%(s)d 星、技能含“%(k)s”") % {"g": grade, "s": w.stars, "k": request.skill}
        if w.certificates:
            why += _("、证书：%(c)s") % {"c": w.certificates}
        rows.append({"place": place, "worker": w, "grade": grade, "stars": w.stars, "why": why})
    return rows, minimum


def household_grade(*, household, standard: Standard | None) -> str:
    """信用户: by the standard's rule, from the members' effective grades (one query)."""
    grades = list(ResidentCredit.objects.filter(resident__household=household).exclude(effective_grade="")
                  .values_list("resident_id", "effective_grade"))
    if not grades:
        return ""
    if standard is not None and standard.household_rule == Standard.HouseholdRule.HEAD:
        head = dict(grades).get(household.head_id)
        return head or ""
    return min((g for _, g in grades), key=lambda g: GRADE_RANK[g])
