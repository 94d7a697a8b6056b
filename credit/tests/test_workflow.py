"""The credit workflow as the people in it notice it."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from centers.models import Unit
from credit import actions
from credit.models import (CheckPurpose, CreditRecord, GradeCheck, Objection, ResidentCredit, Review, ReviewEvent,
                           Standard)
from governance.errors import Conflict
from governance.models import AuditEntry
from governance.scoping import Role
from governance.tests.fixtures import make_user, valid_id_number

from .factories import make_review, record_type, resident_with_id, v1
from governance.tests.fixtures import make_resident


def test_a_records_author_cannot_verify_it_but_a_colleague_can(tree, personas):
    res = make_resident(tree.A1g)
    rec = actions.record_create(actor=personas.village_assistant_a1, resident=res, record_type=record_type("law"),
                                fact_date=timezone.localdate(), evidence="派出所通报", source="department")
    with pytest.raises(PermissionDenied):
        actions.record_verify(actor=personas.village_assistant_a1, record_id=rec.pk)
    assert CreditRecord.objects.get(pk=rec.pk).status == "pending"
    actions.record_verify(actor=personas.village_secretary_a1, record_id=rec.pk)
    rec.refresh_from_db()
    assert rec.status == "verified" and rec.verified_by == personas.village_secretary_a1


def test_a_rejected_record_keeps_its_reason_and_cannot_be_decided_twice(tree, personas):
    res = make_resident(tree.A1g)
    rec = actions.record_create(actor=personas.grid_leader_a1, resident=res, record_type=record_type("hygiene"),
                                fact_date=timezone.localdate(), evidence="走访发现", source="grid_visit")
    with pytest.raises(ValidationError):
        actions.record_reject(actor=personas.village_secretary_a1, record_id=rec.pk, reason=" ")
    actions.record_reject(actor=personas.village_secretary_a1, record_id=rec.pk, reason="现场复核已清理")
    assert CreditRecord.objects.get(pk=rec.pk).reject_reason == "现场复核已清理"
    with pytest.raises(Conflict):
        actions.record_verify(actor=personas.village_assistant_a1, record_id=rec.pk)


def test_points_outside_the_criterions_bounds_are_refused_with_a_clear_message(tree, personas):
    res = make_resident(tree.A1g)
    with pytest.raises(ValidationError) as exc:
        actions.record_create(actor=personas.grid_leader_a1, resident=res, record_type=record_type("law"),
                              fact_date=timezone.localdate(), evidence="x", source="grid_visit", points=-11)
    assert "超出" in exc.value.message_dict["points"][0]
    with pytest.raises(ValidationError):  # the sign must follow the record type
        actions.record_create(actor=personas.grid_leader_a1, resident=res, record_type=record_type("law"),
                              fact_date=timezone.localdate(), evidence="x", source="grid_visit", points=3)
    assert not CreditRecord.objects.exists()


def test_a_grid_leader_cannot_enter_records_outside_their_grid(tree, personas):
    other = make_resident(tree.A2g)
    with pytest.raises(Http404):
        actions.record_create(actor=personas.grid_leader_a1, resident=other, record_type=record_type("law"),
                              fact_date=timezone.localdate(), evidence="x", source="grid_visit")


def test_a_standard_with_six_criteria_is_refused_and_nothing_is_written(personas):
    payload = actions.standard_copy_payload(v1())
    payload["criteria"] = payload["criteria"][:6]
    with pytest.raises(ValidationError) as exc:
        actions.standard_create(actor=personas.county_admin, version=2, effective_from=timezone.localdate(), **payload)
    assert "七个条目" in exc.value.message_dict["criteria"][0]
    assert Standard.objects.count() == 1


def test_only_the_county_sets_the_standard(personas):
    payload = actions.standard_copy_payload(v1())
    with pytest.raises(PermissionDenied):
        actions.standard_create(actor=personas.township_head_a, version=2, effective_from=timezone.localdate(), **payload)


def test_a_secretary_of_another_village_cannot_approve(tree, personas):
    review = make_review(make_resident(tree.A1g), status="opinion")
    secretary_a2 = make_user("secretary_a2", Role.VILLAGE_SECRETARY, tree.A2)
    for outsider in (secretary_a2, personas.village_secretary_b1):
        with pytest.raises(Http404):
            actions.reviews_approve(actor=outsider, review_ids=[review.pk])
    # The village assistant sees the review (and gives opinions) but does not approve: seen, so 403, not 404.
    with pytest.raises(PermissionDenied):
        actions.reviews_approve(actor=personas.village_assistant_a1, review_ids=[review.pk])
    assert Review.objects.get(pk=review.pk).status == "opinion"


def test_approving_a_review_twice_gets_a_clear_message(tree, personas):
    review = make_review(make_resident(tree.A1g), status="opinion")
    actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[review.pk])
    with pytest.raises(Conflict) as exc:
        actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[review.pk])
    assert "未做任何更改" in str(exc.value.message)
    assert ReviewEvent.objects.filter(review=review, to_status="notice").count() == 1


def test_bulk_approval_is_all_or_nothing(tree, personas):
    ready = [make_review(make_resident(tree.A1g), status="opinion") for _ in range(3)]
    draft = make_review(make_resident(tree.A1g), status="draft")
    with pytest.raises(Conflict):
        actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[r.pk for r in ready] + [draft.pk])
    assert set(Review.objects.values_list("status", flat=True)) == {"opinion", "draft"}
    assert actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[r.pk for r in ready]) == 3
    notice = Review.objects.filter(status="notice")
    assert notice.count() == 3 and all(r.notice_until == timezone.localdate() + dt.timedelta(days=7) for r in notice)
    assert AuditEntry.objects.filter(action="credit.review.approve").count() == 3


def test_an_adjusted_grade_needs_a_written_reason(tree, personas):
    review = make_review(make_resident(tree.A1g), status="draft", grade="A")
    with pytest.raises(ValidationError) as exc:
        actions.review_give_opinion(actor=personas.village_assistant_a1, review_id=review.pk, opinion="会议讨论",
                                    grade="AA")
    assert "adjust_reason" in exc.value.message_dict
    actions.review_give_opinion(actor=personas.village_assistant_a1, review_id=review.pk, opinion="会议讨论",
                                grade="AA", adjust_reason="长期照顾孤寡老人，群众公认")
    review.refresh_from_db()
    assert (review.status, review.proposed_grade, review.computed_grade) == ("opinion", "AA", "A")


def test_the_secretary_can_send_an_opinion_back(tree, personas):
    review = make_review(make_resident(tree.A1g), status="opinion")
    actions.review_send_back(actor=personas.village_secretary_a1, review_id=review.pk, reason="请补充会议记录")
    assert Review.objects.get(pk=review.pk).status == "draft"
    assert ReviewEvent.objects.get(review=review).note == "请补充会议记录"


def _approved(tree, personas, grade="B"):
    resident = personas.resident_a1.resident
    review = make_review(resident, status="opinion", grade=grade)
    actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[review.pk])
    review.refresh_from_db()
    return review


def test_an_objection_keeps_the_grade_from_taking_effect_until_answered(tree, personas):
    review = _approved(tree, personas)
    objection = actions.objection_raise(actor=personas.resident_a1, review_id=review.pk, reason="罚款已缴清，记录有误")
    after_notice = timezone.localdate() + dt.timedelta(days=8)
    assert actions.reviews_make_effective(today=after_notice) == 0
    assert Review.objects.get(pk=review.pk).status == "notice"
    assert ResidentCredit.objects.get(resident=review.resident).effective_grade == ""
    actions.objection_answer(actor=personas.village_secretary_a1, objection_id=objection.pk, answer="经核实，改为A",
                             decision="change", new_grade="A")
    assert actions.reviews_make_effective(today=after_notice) == 1
    credit = ResidentCredit.objects.get(resident=review.resident)
    assert (credit.effective_grade, credit.effective_standard, credit.effective_since) == ("A", v1(), after_notice)
    assert Objection.objects.get(pk=objection.pk).status == "answered"
    assert actions.reviews_make_effective(today=after_notice) == 0  # idempotent


def test_only_the_resident_objects_and_only_during_the_notice(tree, personas):
    review = _approved(tree, personas)
    with pytest.raises(Http404):
        actions.objection_raise(actor=personas.resident_b1, review_id=review.pk, reason="不服")
    Review.objects.filter(pk=review.pk).update(notice_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.objection_raise(actor=personas.resident_a1, review_id=review.pk, reason="不服")


def test_the_notice_does_not_take_effect_before_it_ends(tree, personas):
    review = _approved(tree, personas)
    assert actions.reviews_make_effective(today=review.notice_until) == 0
    assert actions.reviews_make_effective(today=review.notice_until + dt.timedelta(days=1)) == 1


def test_a_grade_check_keeps_what_it_saw_after_the_grade_changes(tree, personas):
    review = _approved(tree, personas, grade="AA")
    actions.reviews_make_effective(today=review.notice_until + dt.timedelta(days=1))
    party = CheckPurpose.objects.get(code="party")
    check = actions.grade_check(actor=personas.township_staff_a, resident=review.resident, purpose=party)
    assert (check.grade_seen, check.result, check.standard_seen) == ("AA", "pass", v1())
    assert "AA" in check.rule
    ResidentCredit.objects.filter(resident=review.resident).update(effective_grade="C")
    again = actions.grade_check(actor=personas.township_staff_a, resident=review.resident, purpose=party)
    check.refresh_from_db()
    assert (check.grade_seen, check.result) == ("AA", "pass")
    assert (again.grade_seen, again.result) == ("C", "fail")


def test_a_bank_checks_only_with_the_residents_consent_and_sees_the_grade(tree, personas):
    number = valid_id_number()
    resident = resident_with_id(tree.A1g, number)
    make_review(resident, status="effective", grade="A")
    ResidentCredit.objects.filter(resident=resident).update(effective_grade="A", effective_standard=v1())
    bank = Unit.objects.create(name="甲镇农商银行", kind="financial", region=tree.A)
    bank.staff.add(personas.unit_staff_a)
    loan = CheckPurpose.objects.get(code="loan")
    with pytest.raises(ValidationError) as exc:
        actions.grade_check_by_unit(actor=personas.unit_staff_a, unit=bank, id_number=number, purpose=loan)
    assert "授权" in exc.value.message_dict["id_number"][0]
    assert not GradeCheck.objects.exists()
    actions.consent_record(actor=personas.village_assistant_a1, resident=resident, unit=bank, purpose=loan,
                           valid_until=timezone.localdate() + dt.timedelta(days=90), evidence="授权书2026-118号")
    check = actions.grade_check_by_unit(actor=personas.unit_staff_a, unit=bank, id_number=number, purpose=loan)
    assert (check.grade_seen, check.result, check.unit) == ("A", "pass", bank)
    assert GradeCheck.objects.restrict(personas.unit_staff_a).filter(pk=check.pk).exists()
    assert not CreditRecord.objects.restrict(personas.unit_staff_a).exists()


def test_a_revoked_consent_no_longer_lets_the_bank_check(tree, personas):
    number = valid_id_number()
    resident = resident_with_id(tree.A1g, number, user=make_user("villager_x", Role.RESIDENT, tree.A1))
    bank = Unit.objects.create(name="甲镇信用社", kind="financial", region=tree.A)
    bank.staff.add(personas.unit_staff_a)
    loan = CheckPurpose.objects.get(code="loan")
    consent = actions.consent_record(actor=resident.user, resident=resident, unit=bank, purpose=loan,
                                     valid_until=timezone.localdate() + dt.timedelta(days=30), evidence="本人网上授权")
    actions.consent_revoke(actor=resident.user, consent_id=consent.pk)
    with pytest.raises(ValidationError):
        actions.grade_check_by_unit(actor=personas.unit_staff_a, unit=bank, id_number=number, purpose=loan)
