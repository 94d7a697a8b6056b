"""Credit on SQLite: the nightly recompute (its SQLite statements: IS NOT instead of IS DISTINCT FROM, the drafts'
history in a second INSERT) and a review approved by the village secretary into the public notice."""
import datetime as dt

from django.utils import timezone

from credit.models import CreditRecord, RecordType, ResidentCredit, Review, ReviewEvent, Standard
from credit.tasks import recompute_grades
from governance.models import JobStatus, Resident, RoleAssignment

from .helpers import messages_of, page


def test_the_nightly_recompute_opens_a_draft_where_a_new_record_changes_the_grade_and_is_idempotent():
    credit = (ResidentCredit.objects.exclude(effective_grade="").filter(grade__in=["AAA", "AA", "A"])
              .exclude(resident__credit_reviews__status__in=Review.OPEN).order_by("pk").first())
    grade_before, effective_before = credit.grade, credit.effective_grade
    standard = Standard.objects.get(pk=credit.standard_id)
    types = RecordType.objects.filter(criterion__standard=standard, points__lt=0).select_related("criterion")
    today = timezone.localdate()
    CreditRecord.objects.bulk_create([
        CreditRecord(resident_id=credit.resident_id, criterion=t.criterion.code, record_type=t, points=-100,
                     fact_date=today - dt.timedelta(days=3), evidence="走访核实", source="grid_visit",
                     status="verified") for t in types])

    result = recompute_grades()

    assert result["residents"] == Resident.objects.count() and result["changed"] >= 1 and result["opened"] >= 1
    credit.refresh_from_db()
    assert credit.grade != grade_before and credit.effective_grade == effective_before  # never effective by itself
    draft = Review.objects.get(resident_id=credit.resident_id, status="draft")
    assert draft.computed_grade == credit.grade and draft.previous_grade == effective_before
    assert ReviewEvent.objects.filter(review=draft, to_status="draft").count() == 1
    assert JobStatus.objects.get(name="credit.recompute").last_finished_at is not None

    again = recompute_grades()
    assert (again["changed"], again["opened"], again["refreshed"]) == (0, 0, 0)
    assert ReviewEvent.objects.filter(review=draft).count() == 1


def test_the_village_secretary_approves_a_review_into_the_public_notice(login):
    village = RoleAssignment.objects.get(user__username="village_secretary").region
    review = Review.objects.filter(village=village, status="opinion").select_related("resident").order_by("pk").first()
    client = login("village_secretary")
    assert review.resident.name in page(client.get("/credit/reviews/"))
    resp = client.post(f"/credit/reviews/{review.pk}/approve/", follow=True)
    assert resp.status_code == 200 and "已审批，进入公示。" in messages_of(resp)
    review.refresh_from_db()
    assert review.status == "notice"
    notice = page(login("resident").get("/credit/notice/"))
    assert review.resident.name in notice and review.resident.id_masked in notice
    assert login("village_secretary_2").post(f"/credit/reviews/{review.pk}/approve/").status_code == 404
