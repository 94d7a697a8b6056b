"""信用等级证明: issued from a check (参军政审 by the township, a loan by a bank with consent), as a PDF with a
verification code; the public page tells anyone holding the code whether it is valid — and nothing else."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import actions
from credit.models import CheckPurpose, Consent, CreditCertificate, ResidentCredit
from governance.models import AuditEntry
from governance.tests.fixtures import make_resident, valid_id_number

from .factories import make_record, v1

ID_NUMBER = valid_id_number()


def _graded(resident, grade="AA"):
    make_record(resident, code="public", sign=1)
    ResidentCredit.objects.update_or_create(resident=resident, defaults={
        "total": 75, "grade": grade, "standard": v1(), "computed_at": timezone.now(), "effective_grade": grade,
        "effective_standard": v1(), "effective_since": timezone.localdate(),
        **{f"score_{c}": 10 for c in ("law", "contract", "filial", "neighbour", "customs", "hygiene", "public")}})
    return resident


@pytest.fixture
def enlist_check(tree, personas):
    resident = _graded(make_resident(tree.A1g, name="参军青年", id_number=ID_NUMBER))
    return actions.grade_check(actor=personas.township_staff_a, resident=resident,
                               purpose=CheckPurpose.objects.get(code="enlist"))


def test_the_township_issues_an_enlistment_certificate_and_anyone_can_verify_only_its_validity(
        enlist_check, personas, web, client):
    c = web(personas.township_staff_a)
    page = c.get(enlist_check.get_absolute_url()).content.decode()
    assert "出具信用等级证明" in page
    resp = c.post(reverse("credit:certificate_issue", args=[enlist_check.pk]))
    cert = CreditCertificate.objects.get(grade_check=enlist_check)
    assert resp.status_code == 302 and resp["Location"] == cert.get_absolute_url()
    detail = c.get(cert.get_absolute_url()).content.decode()
    assert cert.code_display in detail and "下载 PDF" in detail and "作废" in detail and ID_NUMBER not in detail
    # A second click (or a retried request) makes no second certificate.
    c.post(reverse("credit:certificate_issue", args=[enlist_check.pk]))
    assert CreditCertificate.objects.filter(grade_check=enlist_check).count() == 1
    # The snapshot: what the check saw, and the explanation as it stood.
    assert cert.explanation["grade"] and {line["name"] for line in cert.explanation["lines"]}
    assert len(cert.code) == 16 and cert.valid_until > timezone.localdate()

    pdf = c.get(reverse("credit:certificate_pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = pdf.content
    assert body.startswith(b"%PDF") and len(body) > 2000
    assert ID_NUMBER.encode() not in body and ID_NUMBER not in pdf["Content-Disposition"]
    assert "参军青年" not in pdf["Content-Disposition"]

    # The public page, signed out: valid, until when — no name, no grade, no purpose, no place.
    client.logout()
    for url in (reverse("credit:certificate_verify_code", args=[cert.code_display]),
                reverse("credit:certificate_verify") + "?code=" + cert.code.lower()):
        shown = client.get(url)
        assert shown.status_code == 200
        text = shown.content.decode()
        assert "该证明有效" in text and cert.valid_until.strftime("%Y-%m-%d") in text
        for secret in ("参军青年", "参军", "AA", str(enlist_check.resident.region), ID_NUMBER[-4:]):
            assert secret not in text.split('id="verify-result"')[1], secret
    unknown = client.get(reverse("credit:certificate_verify") + "?code=ABCD-EFGH-JKMN-PQRS").content.decode()
    assert "没有这个核验码对应的证明" in unknown
    # The code is the bearer's secret: not written into the audit trail.
    assert not any(cert.code in str(e.data) for e in AuditEntry.objects.filter(action__startswith="credit.certificate"))


def test_a_revoked_or_expired_certificate_says_so_and_outsiders_cannot_touch_it(enlist_check, personas, web, client):
    cert = actions.certificate_issue(actor=personas.township_staff_a, check_id=enlist_check.pk)
    # Another township: 404 on the page, the PDF and the revoke.
    other = web(personas.township_staff_b)
    for name in ("certificate_detail", "certificate_pdf", "certificate_revoke"):
        assert other.get(reverse(f"credit:{name}", args=[cert.pk])).status_code == 404
    assert other.post(reverse("credit:certificate_issue", args=[enlist_check.pk])).status_code == 404
    # A reason is required; then the public page says void.
    c = web(personas.township_staff_a)
    assert c.post(reverse("credit:certificate_revoke", args=[cert.pk]), {"reason": " "}).status_code == 200
    assert CreditCertificate.objects.get(pk=cert.pk).revoked_at is None
    with pytest.raises(Exception, match="请说明作废原因"):
        actions.certificate_revoke(actor=personas.township_staff_a, certificate_id=cert.pk, reason=" ")
    assert c.post(reverse("credit:certificate_revoke", args=[cert.pk]), {"reason": "信息有误，重新出具"}).status_code == 302
    assert "该证明已作废" in client.get(reverse("credit:certificate_verify_code", args=[cert.code])).content.decode()
    # Expired: past its date.
    cert2 = actions.certificate_issue(actor=personas.township_staff_a, check_id=actions.grade_check(
        actor=personas.township_staff_a, resident=enlist_check.resident,
        purpose=CheckPurpose.objects.get(code="enlist")).pk)
    CreditCertificate.objects.filter(pk=cert2.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert "该证明已过期" in client.get(reverse("credit:certificate_verify_code", args=[cert2.code])).content.decode()


def test_a_bank_checks_with_consent_issues_a_loan_certificate_through_the_api(tree, personas, api):
    from centers.models import Unit

    number = valid_id_number()
    resident = _graded(make_resident(tree.A1g, name="贷款户", id_number=number))
    bank = Unit.objects.create(name="测试农商银行", kind=Unit.Kind.FINANCIAL, region=tree.A)
    bank.staff.add(personas.unit_staff_a)
    loan = CheckPurpose.objects.get(code="loan")
    Consent.objects.create(resident=resident, unit=bank, purpose=loan, valid_until=timezone.localdate() + dt.timedelta(days=30),
                           evidence="授权书", recorded_by=personas.village_secretary_a1)
    client = api(personas.unit_staff_a)
    resp = client.post("/api/v1/credit/checks/", {"purpose": loan.pk, "id_number": number,
                                                  "unit": bank.pk}, format="json")
    assert resp.status_code == 201, resp.content
    check_id = resp.json()["id"]
    cert = client.post(f"/api/v1/credit/checks/{check_id}/certificate/", {}, format="json")
    assert cert.status_code == 200 and len(cert.json()["code"]) == 19
    again = client.post(f"/api/v1/credit/checks/{check_id}/certificate/", {}, format="json")
    assert again.json()["id"] == cert.json()["id"]
    # The bank sees its own certificate; another township's staff do not.
    assert client.get(f"/api/v1/credit/certificates/{cert.json()['id']}/").status_code == 200
    assert api(personas.township_staff_b).get(f"/api/v1/credit/certificates/{cert.json()['id']}/").status_code == 404
    # The resident sees the use of their grade.
    assert resident.credit_checks.filter(unit=bank, purpose=loan).count() == 1


def test_the_certificate_list_costs_the_same_for_many(tree, personas, web, django_assert_max_num_queries):
    for i in range(12):
        resident = _graded(make_resident(tree.A1g, name=f"证明{i}"))
        check = actions.grade_check(actor=personas.township_staff_a, resident=resident,
                                    purpose=CheckPurpose.objects.get(code="enlist"))
        actions.certificate_issue(actor=personas.township_staff_a, check_id=check.pk)
    c = web(personas.township_staff_a)
    c.get(reverse("credit:certificate_list"))
    with django_assert_max_num_queries(16):
        page = c.get(reverse("credit:certificate_list")).content.decode()
    assert page.count("证明") >= 12
