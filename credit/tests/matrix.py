"""credit/'s entries in the authorization matrix."""
import datetime as dt

from django.utils import timezone

from centers.models import Unit
from credit.models import (CheckPurpose, Consent, CreditCertificate, CreditRecord, DomesticWorker, GradeCheck, Objection, ResidentCredit,
                           Review, Standard, WorkerRequest)
from governance.tests.fixtures import make_resident
from governance.tests.matrix import PUBLIC_URL_NAMES, register, register_kwarg, register_narrowed, register_pages, visible_pks

from .factories import make_record, make_review


def _side(p, side, a, b):
    return getattr(p, a if side == "a" else b)


def _defaults(factory):
    def make(region, side, tree, p):
        from credit.defaults import ensure_defaults

        ensure_defaults()  # a transactional test's flush may have emptied the migrated defaults
        return factory(region, side, tree, p)
    return make


register(Standard, _defaults(lambda region, side, tree, p: Standard.objects.get(version=1)))
register(CheckPurpose, _defaults(lambda region, side, tree, p: CheckPurpose.objects.get(code="loan")))
register(CreditRecord, _defaults(lambda region, side, tree, p: make_record(
    make_resident(region), status="pending", author=_side(p, side, "grid_leader_a1", "grid_leader_b1"))))
register(ResidentCredit, lambda region, side, tree, p: ResidentCredit.objects.get(
    resident=make_review(make_resident(region)).resident))
register(Review, lambda region, side, tree, p: make_review(make_resident(region), status="opinion"))


def _objection(region, side, tree, p):
    user = _side(p, side, "resident_a1", "resident_b1")
    review = make_review(user.resident, status="notice")
    return Objection.objects.create(review=review, raised_by=user, reason="记录有误")


def _unit(region, side):
    unit, _ = Unit.objects.get_or_create(name=f"矩阵测试农商银行{side}", defaults={
        "kind": Unit.Kind.FINANCIAL, "region": region.parent.parent})
    return unit


def _consent(region, side, tree, p):
    return Consent.objects.create(resident=make_resident(region), unit=_unit(region, side),
                                  purpose=CheckPurpose.objects.get(code="loan"),
                                  valid_until=timezone.localdate() + dt.timedelta(days=30), evidence="授权书",
                                  recorded_by=_side(p, side, "village_assistant_a1", "village_secretary_b1"))


register(Objection, _objection)
register(Consent, _consent)
register(GradeCheck, lambda region, side, tree, p: GradeCheck.objects.create(
    purpose=CheckPurpose.objects.get(code="party"), resident=make_resident(region), grade_seen="A", rule="入党需A以上",
    result="pass", asked_by=_side(p, side, "township_staff_a", "township_staff_b")))


def _certificate(region, side, tree, p):
    check = GradeCheck.objects.create(
        purpose=CheckPurpose.objects.get(code="enlist"), resident=make_resident(region), grade_seen="AA",
        rule="参军需AA以上", result="pass", asked_by=_side(p, side, "township_staff_a", "township_staff_b"))
    return CreditCertificate.objects.create(grade_check=check, code=f"MATRIX{side.upper()}{check.pk:09d}"[:16],
                                            issued_by=check.asked_by,
                                            valid_until=timezone.localdate() + dt.timedelta(days=30))


register(CreditCertificate, _defaults(_certificate))
# 核验: anyone, signed in or not, learns only whether a code is valid (credit/tests/test_certificates.py).
PUBLIC_URL_NAMES |= {"certificate_verify", "certificate_verify_code"}
register(DomesticWorker, lambda region, side, tree, p: DomesticWorker.objects.create(
    resident=make_resident(region), skills="育婴、保洁", stars=4))
register(WorkerRequest, lambda region, side, tree, p: WorkerRequest.objects.create(
    region=region.parent, employer="王女士", skill="育婴", created_by=_side(p, side, "village_assistant_a1",
                                                                         "village_secretary_b1")))

register_pages("grade_list", "standard_list", "standard_add", "record_list", "record_add", "review_list", "review_bulk",
               "notice_list", "my_credit", "my_consent_add", "consent_list", "consent_add", "objection_list",
               "check_list", "check_add", "check_unit", "certificate_list", "worker_list", "worker_add", "request_list", "request_add",
               "credit-notice")
for name, model in [("record_verify", CreditRecord), ("record_reject", CreditRecord), ("review_opinion", Review),
                    ("review_approve", Review), ("review_send_back", Review), ("objection_add", Review),
                    ("consent_revoke", Consent), ("certificate_issue", GradeCheck), ("certificate_revoke", CreditCertificate),
                    ("certificate_pdf", CreditCertificate), ("objection_answer", Objection), ("worker_edit", DomesticWorker)]:
    register_kwarg(f"{name}:pk", model)
# 公示 lists the reviews in notice, to those the "notice" action's roles or ownership let see them — a
# scope of its own, wider than "view" (a unit's staff and every villager read the notice board).
register_narrowed("notice_list", lambda user, qs: Review.objects.filter(
    status=Review.Status.NOTICE, pk__in=visible_pks(user, Review, "notice")))
