"""The grade applied: the party-member pipeline (村培镇管县备案) reads the applicant's effective grade at each
gate, records what it saw, is blocked below the county's rule unless the township states why, and the
resident sees every use of their grade."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from centers import actions as centers
from centers.models import PipelineGateCheck, Stage
from centers.tests import factories as cf
from credit.models import GradeCheck, ResidentCredit
from governance.models import Resident

from .factories import v1


def _graded(resident, grade):
    ResidentCredit.objects.update_or_create(resident=resident, defaults={
        "total": 70, "grade": grade, "standard": v1(), "computed_at": timezone.now(), "effective_grade": grade,
        "effective_standard": v1(), "effective_since": timezone.localdate(),
        **{f"score_{c}": 10 for c in ("law", "contract", "filial", "neighbour", "customs", "hygiene", "public")}})


def _applicant(tree, personas, grade):
    cand = cf.candidate(tree.A1g, since=dt.date(2024, 1, 1))
    Resident.objects.filter(user=personas.resident_a1).update(user=None)  # the persona becomes the applicant
    cand.resident.user = personas.resident_a1
    cand.resident.save(update_fields=["user"])
    if grade:
        _graded(cand.resident, grade)
    return cand


def test_a_grade_below_the_rule_blocks_approval_until_the_township_states_why(tree, personas, web):
    cand = _applicant(tree, personas, "A")  # 入党 needs AA
    step = centers.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2025, 3, 1))
    seen = PipelineGateCheck.objects.get(step=step, phase="propose")
    assert not seen.passed and "A" in seen.seen and "AA" in seen.rule and seen.checked_by == personas.village_secretary_a1

    with pytest.raises(ValidationError) as blocked:
        centers.step_approve(actor=personas.township_staff_a, step_id=step.pk)
    assert "不符合" in str(blocked.value) and "说明理由" in str(blocked.value)
    cand.refresh_from_db()
    assert cand.stage == Stage.APPLICANT
    # The blocked reading is kept: the grade was read, and the resident will see it.
    assert PipelineGateCheck.objects.filter(step=step, phase="approve", passed=False, override_reason="").count() == 1

    # The village cannot approve below the rule; the township, on the page that asks its reason, can.
    c = web(personas.township_staff_a)
    url = reverse("centers:step_approve_override", args=[step.pk])
    assert web(personas.village_secretary_a1).post(url, {"override_reason": "x"}).status_code in (403, 404)
    assert "AA" in c.get(url).content.decode()
    resp = c.post(url, {"override_reason": "该同志近两年带头调解邻里纠纷，扣分记录已整改，经乡镇党委研究同意。"})
    assert resp.status_code == 302
    cand.refresh_from_db()
    assert cand.stage == Stage.ACTIVIST
    override = PipelineGateCheck.objects.get(step=step, phase="approve", override_reason__contains="乡镇党委研究")
    assert override.checked_by == personas.township_staff_a and not override.passed

    centers.step_file(actor=personas.county_admin, step_id=step.pk)
    assert PipelineGateCheck.objects.filter(step=step, phase="file").count() == 1
    page = web(personas.county_admin).get(cand.get_absolute_url()).content.decode()
    assert "乡镇党委研究同意" in page and "县级备案" in page

    # The resident sees every use of their grade: who, for what, when, and what was seen.
    uses = GradeCheck.objects.filter(resident=cand.resident, purpose__code="party")
    assert uses.count() == 4 and set(uses.values_list("grade_seen", flat=True)) == {"A"}
    mine = web(personas.resident_a1).get("/credit/me/").content.decode()
    assert 'id="grade-uses"' in mine and mine.count("入党") >= 4
    for who in (personas.village_secretary_a1, personas.township_staff_a, personas.county_admin):
        assert (who.get_full_name() or who.username) in mine


def test_a_grade_that_meets_the_rule_goes_through_in_one_click(tree, personas, web):
    cand = _applicant(tree, personas, "AAA")
    step = centers.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2025, 3, 1))
    assert web(personas.township_staff_a).post(reverse("centers:step_approve", args=[step.pk])).status_code == 302
    cand.refresh_from_db()
    assert cand.stage == Stage.ACTIVIST
    assert list(PipelineGateCheck.objects.filter(step=step).values_list("phase", "passed")) == [
        ("propose", True), ("approve", True)]
    # No reason asked where none is needed.
    assert not any(v.name == "approve_override" for v in __import__("centers.rules", fromlist=["x"]).PIPELINE_STEP
                   .allowed(personas.township_staff_a, step))


def test_an_applicant_not_yet_rated_is_recorded_and_not_blocked(tree, personas):
    cand = _applicant(tree, personas, None)
    step = centers.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2025, 3, 1))
    centers.step_approve(actor=personas.township_staff_a, step_id=step.pk)
    assert set(PipelineGateCheck.objects.filter(step=step).values_list("seen", "passed")) == {("尚无生效信用等级", True)}


def test_the_county_can_switch_the_rule_off(tree, personas):
    from credit.models import CheckPurpose

    CheckPurpose.objects.filter(code="party").update(active=False)
    cand = _applicant(tree, personas, "C")
    step = centers.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2025, 3, 1))
    centers.step_approve(actor=personas.township_staff_a, step_id=step.pk)
    assert not PipelineGateCheck.objects.exists() and not GradeCheck.objects.exists()


def test_an_override_through_the_api_is_recorded_and_the_village_may_not(tree, personas, api):
    cand = _applicant(tree, personas, "B")
    step = centers.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2025, 3, 1))
    url = f"/api/v1/centers/pipeline-steps/{step.pk}/approve/"
    resp = api(personas.township_staff_a).post(url, {}, format="json")
    assert resp.status_code == 400 and "override_reason" in resp.json()
    with pytest.raises(PermissionDenied):
        centers.step_approve(actor=personas.village_secretary_a1, step_id=step.pk, override_reason="村里同意")
    resp = api(personas.township_staff_a).post(url, {"override_reason": "乡镇党委会议研究同意。"}, format="json")
    assert resp.status_code == 200
    assert PipelineGateCheck.objects.filter(step=step, override_reason="乡镇党委会议研究同意。").exists()
