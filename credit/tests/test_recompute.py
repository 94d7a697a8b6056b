"""The county-wide recompute: the same grades as each resident's explanation, idempotent, progress shown."""
import datetime as dt
import random

from django.utils import timezone

from credit.actions import standard_copy_payload, standard_create
from credit.models import CRITERION_ORDER, CreditRecord, RecordType, ResidentCredit, Review, ReviewEvent, Standard
from credit.recompute import JOB_NAME, recompute_all
from credit.scoring import explain
from governance.models import JobStatus, Resident

from .factories import bulk_residents, make_record, make_resident, v1


def _random_records(residents, rng, author):
    types = list(RecordType.objects.filter(criterion__standard=v1()).select_related("criterion"))
    today = timezone.localdate()
    rows = []
    for res in residents:
        for _ in range(rng.choice([0, 0, 1, 2, 3, 8])):
            rt = rng.choice(types)
            rows.append(CreditRecord(
                resident=res, criterion=rt.criterion.code, record_type=rt, points=rt.points,
                fact_date=today - dt.timedelta(days=rng.randrange(0, 1400)), evidence="e", source="grid_visit",
                status=rng.choice(["verified", "verified", "verified", "pending", "rejected"]),
                reject_reason="x", entered_by=author))
    CreditRecord.objects.bulk_create(rows)


def test_it_computes_the_same_grades_as_each_residents_explanation(tree, personas):
    rng = random.Random(5)
    residents = bulk_residents(tree.A1g, 1500) + bulk_residents(tree.B1b, 1500)
    _random_records(residents, rng, personas.grid_leader_a1)
    result = recompute_all(batch=700)
    assert result["residents"] == Resident.objects.count()
    computed = {c.resident_id: c for c in ResidentCredit.objects.all()}
    assert len(computed) == Resident.objects.count()
    grades = set()
    for res in rng.sample(residents, 400):
        exp = explain(res)
        got = computed[res.pk]
        assert (got.total, got.grade) == (exp.total, exp.grade), res.pk
        assert got.scores() == {line.rule.code: line.score for line in exp.lines}
        grades.add(got.grade)
    assert len(grades) >= 3  # the sample really exercises several grades


def test_a_second_run_changes_nothing(tree, personas):
    residents = bulk_residents(tree.A1g, 300)
    _random_records(residents, random.Random(7), personas.grid_leader_a1)
    first = recompute_all(batch=128)
    n = Resident.objects.count()  # with the personas' two residents
    assert first["changed"] == n and first["opened"] == n
    snapshot = list(ResidentCredit.objects.order_by("pk").values())
    reviews = list(Review.objects.order_by("pk").values())
    events = ReviewEvent.objects.count()
    second = recompute_all(batch=128)
    assert (second["changed"], second["opened"], second["refreshed"]) == (0, 0, 0)
    assert list(ResidentCredit.objects.order_by("pk").values()) == snapshot
    assert list(Review.objects.order_by("pk").values()) == reviews
    assert ReviewEvent.objects.count() == events == n


def test_it_opens_a_draft_review_only_where_the_grade_differs_from_the_effective_one(tree, personas):
    same, differs = make_resident(tree.A1g), make_resident(tree.A1g)
    recompute_all()
    ResidentCredit.objects.update(effective_grade="A", effective_standard=v1())  # both effective at A (no records)
    Review.objects.all().delete()
    for _ in range(2):
        make_record(differs, code="law", sign=-1, points=-10)
    make_record(differs, code="contract", sign=-1, points=-10)
    heard = {u: u.notifications.count() for u in (personas.village_secretary_a1, personas.village_secretary_b1)}
    result = recompute_all()
    assert result["opened"] == 1
    review = Review.objects.get()
    assert review.resident == differs and review.status == "draft"
    assert (review.previous_grade, review.computed_grade) == ("A", "C")
    assert review.village == tree.A1
    # the effective grade itself is untouched by the job
    assert ResidentCredit.objects.get(resident=differs).effective_grade == "A"
    # the village's secretary hears of it, once; the other village's does not
    a1, b1 = personas.village_secretary_a1, personas.village_secretary_b1
    assert a1.notifications.count() == heard[a1] + 1 and b1.notifications.count() == heard[b1]
    assert a1.notifications.latest("id").title == "有 1 位村民的信用等级需要评议"
    recompute_all()
    assert a1.notifications.count() == heard[a1] + 1


def test_an_open_draft_follows_the_latest_computation(tree, personas):
    res = make_resident(tree.A1g)
    recompute_all()
    make_record(res, code="public", sign=1, points=10)
    make_record(res, code="filial", sign=1, points=10)
    result = recompute_all()
    assert result["refreshed"] == 1
    assert Review.objects.get(resident=res).computed_grade == "AAA"


def test_the_county_sees_progress_while_it_runs(tree, personas, monkeypatch):
    bulk_residents(tree.A1g, 250)
    seen = []
    import credit.recompute as rc

    real = rc.recompute_range

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        status = JobStatus.objects.get(name=JOB_NAME)
        seen.append((status.progress_done, status.progress_total))
        return out

    monkeypatch.setattr(rc, "recompute_range", spy)
    recompute_all(batch=100)
    total = Resident.objects.count()
    # what the county's page shows as each batch starts: 0 / 252, 100 / 252, 200 / 252
    assert seen == [(0, total), (100, total), (200, total)]
    status = JobStatus.objects.get(name=JOB_NAME)
    assert status.progress_done == total and status.last_finished_at and status.last_result["residents"] == total


def test_a_new_version_applies_from_its_effective_date_and_old_grades_keep_theirs(tree, personas):
    res = make_resident(tree.A1g)
    make_record(res, code="law", sign=-1, points=-5)
    recompute_all()
    ResidentCredit.objects.update(effective_grade="B", effective_standard=v1())
    payload = standard_copy_payload(v1())
    payload["thresholds"] = {"aaa": 95, "aa": 85, "a": 60, "b": 50}  # v2: a lower bar for A
    starts = timezone.localdate() + dt.timedelta(days=10)
    v2 = standard_create(actor=personas.county_admin, version=2, effective_from=starts, **payload)
    recompute_all()
    credit = ResidentCredit.objects.get(resident=res)
    assert credit.standard == v1() and credit.grade == "B"  # 65 under v1
    recompute_all(today=starts)
    credit.refresh_from_db()
    assert credit.standard == v2 and credit.grade == "A"  # 65 under v2
    assert credit.effective_standard == v1() and credit.effective_grade == "B"
    assert Standard.objects.count() == 2 and len(CRITERION_ORDER) == 7
