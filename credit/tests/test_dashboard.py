"""The credit section of the county dashboard: grade distribution, review and objection queues."""
import datetime as dt

import pytest
from django.utils import timezone

from credit.models import Objection, ResidentCredit, Review
from governance.models import Resident
from governance.tests.fixtures import make_resident

from .factories import bulk_residents, make_review, v1


def graded(region, grade, name=None) -> Resident:
    resident = make_resident(region, **({"name": name} if name else {}))
    ResidentCredit.objects.create(resident=resident, total=80, grade=grade, standard=v1(), computed_at=timezone.now(),
                                  effective_grade=grade, effective_standard=v1(), effective_since=timezone.localdate())
    return resident


def objection_on(region, raised_by, status="open"):
    review = make_review(make_resident(region), status="notice")
    answer = {} if status == "open" else {"answer": "已核实，维持", "decision": "keep", "answered_by": raised_by}
    return Objection.objects.create(review=review, raised_by=raised_by, reason="记录有误", status=status, **answer)


def county_data(tree, personas):
    """甲镇: 2 AAA, 1 A, 1 C, 1 not yet graded; 2 reviews awaiting the secretary; 1 open objection.
    乙街道: 1 B; 1 review awaiting the secretary; 1 answered objection."""
    for _ in range(2):
        graded(tree.A1g, "AAA")
    graded(tree.A2g, "A")
    graded(tree.A2g, "C", name="失信者")
    make_review(make_resident(tree.A1g), status="draft")  # computed, no effective grade yet
    graded(tree.B1b, "B")
    for region in (tree.A1g, tree.A2g, tree.B1b):
        make_review(make_resident(region), status="opinion")
    objection_on(tree.A1g, personas.resident_a1)
    objection_on(tree.B1b, personas.resident_b1, status="answered")


def credit_rows(resp) -> dict[str, dict]:
    """{region name: {metric key: (raw value, url)}} of the credit section as the page shows it."""
    section = next(s for s in resp.context["sections"] if s["section"].key == "credit")
    keys = [m.key for m in section["section"].metrics]
    return {row["region"].name: {k: (c["raw"], c["url"]) for k, c in zip(keys, row["cells"])} for row in section["rows"]}


def test_it_shows_the_county_each_townships_grade_distribution_and_queues(tree, personas, web):
    county_data(tree, personas)
    resp = web(personas.county_admin).get("/dashboard/")
    page = resp.content.decode()
    assert "村级信用（信用七条）" in page and "待书记审批评议" in page
    rows = credit_rows(resp)
    a, b = rows["甲镇"], rows["乙街道"]
    # The draft review made a ResidentCredit without an effective grade: counted nowhere.
    assert {k: a[k][0] for k in ("graded", "g_AAA", "g_AA", "g_A", "g_B", "g_C")} == {
        "graded": 4, "g_AAA": 2, "g_AA": 0, "g_A": 1, "g_B": 0, "g_C": 1}
    assert a["good_share"][0] == pytest.approx(0.75)
    assert (a["pending_approval"][0], a["objections_open"][0]) == (2, 1)
    assert (b["graded"][0], b["g_B"][0], b["good_share"][0], b["pending_approval"][0], b["objections_open"][0]) == (
        1, 1, 0, 1, 0)
    charts = {c["id"]: c for c in resp.context["charts"]}
    assert charts["chart-credit-good_share"]["labels"] == ["甲镇", "乙街道"]
    assert charts["chart-credit-good_share"]["values"] == [75.0, 0.0]
    assert charts["chart-credit-g_C"]["values"] == [1.0, 0.0]


def test_it_shows_a_township_user_only_their_own_villages(tree, personas, web):
    county_data(tree, personas)
    resp = web(personas.township_staff_a).get("/dashboard/")
    rows = credit_rows(resp)
    assert set(rows) == {"甲一村", "甲二村"}
    assert (rows["甲一村"]["g_AAA"][0], rows["甲二村"]["g_C"][0], rows["甲二村"]["g_A"][0]) == (2, 1, 1)
    assert sum(r["pending_approval"][0] for r in rows.values()) == 2
    assert sum(r["objections_open"][0] for r in rows.values()) == 1
    # Asking for the other township falls back to their own.
    assert set(credit_rows(web(personas.township_staff_a).get("/dashboard/", {"region": tree.B.pk}))) == {"甲一村", "甲二村"}


@pytest.mark.parametrize("user, region", [("county_admin", None), ("township_staff_a", None),
                                          ("village_secretary_a1", "A1")])
def test_it_links_every_figure_to_a_list_of_exactly_the_rows_it_counts(user, region, tree, personas, web):
    county_data(tree, personas)
    client = web(getattr(personas, user))
    resp = client.get("/dashboard/", {"region": getattr(tree, region).pk} if region else {})
    rows = credit_rows(resp)
    checked = 0
    for name, cells in rows.items():
        for key, (raw, url) in cells.items():
            if url is None:
                continue
            listed = client.get(url)
            assert listed.status_code == 200, url
            assert len(listed.context["object_list"]) == raw, (name, key, url)
            checked += 1
    assert checked == 8 * len(rows)  # 已评定, five grades, reviews, objections per region
    assert sum(cells["g_AAA"][0] for cells in rows.values()) == 2  # the figures are not all zero


def test_it_draws_a_monthly_trend_of_the_grades_that_took_effect(tree, personas, web):
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    for grade, day in (("AA", today), ("AA", today), ("C", last_month)):
        review = make_review(make_resident(tree.A1g), status="notice", grade=grade)
        Review.objects.filter(pk=review.pk).update(status="effective", effective_on=day)
    resp = web(personas.county_admin).get("/dashboard/", {"since": last_month.replace(day=1), "until": today})
    trend = next(c for c in resp.context["charts"] if c["id"] == "trend-credit")
    assert trend["kind"] == "line" and trend["labels"] == [f"{last_month:%Y-%m}", f"{today:%Y-%m}"]
    assert trend["series"]["AA 级生效"] == [0, 2] and trend["series"]["C 级生效"] == [1, 0]
    # Another township's user sees none of it.
    other = web(personas.township_staff_b).get("/dashboard/", {"since": last_month.replace(day=1), "until": today})
    series = next(c for c in other.context["charts"] if c["id"] == "trend-credit")["series"]
    assert all(v == 0 for values in series.values() for v in values)


@pytest.mark.parametrize("n", [10, 100])
def test_it_costs_the_county_dashboard_the_same_queries_at_any_size(n, tree, personas, web,
                                                                      django_assert_max_num_queries):
    residents = bulk_residents(tree.A1g, n) + bulk_residents(tree.B1b, n)
    now, today = timezone.now(), timezone.localdate()
    ResidentCredit.objects.bulk_create([
        ResidentCredit(resident=r, total=80, grade="A", standard=v1(), computed_at=now,
                       effective_grade="AAA AA A B C".split()[i % 5], effective_since=today)
        for i, r in enumerate(residents)])
    Review.objects.bulk_create([
        Review(resident=r, village=r.region.ancestor_at(3), period=f"{today:%Y-%m}", standard=v1(), computed_total=80,
               computed_grade="A", proposed_grade="A", opinion="同意",
               status=("opinion", "effective")[i % 2], effective_on=today if i % 2 else None)
        for i, r in enumerate(residents)])
    client = web(personas.county_admin)
    client.get("/dashboard/")
    with django_assert_max_num_queries(60) as captured:
        resp = client.get("/dashboard/")
    assert resp.status_code == 200
    assert sum(credit_rows(resp)[name]["pending_approval"][0] for name in ("甲镇", "乙街道")) == n
    # credit/'s own share of the page: distribution, reviews, objections, the trend — 4 GROUP BY queries.
    ours = [q["sql"] for q in captured.captured_queries if '"credit_' in q["sql"]]
    assert len(ours) == 4, ours


@pytest.mark.parametrize("n", [10, 100])
def test_it_lists_the_grades_behind_the_figures_with_the_same_queries_at_any_size(n, tree, personas, web,
                                                                                  django_assert_max_num_queries):
    now = timezone.now()
    ResidentCredit.objects.bulk_create([
        ResidentCredit(resident=r, total=80, grade="A", standard=v1(), computed_at=now, effective_grade="A")
        for r in bulk_residents(tree.A1g, n)])
    client = web(personas.township_staff_a)
    client.get("/credit/grades/")
    with django_assert_max_num_queries(12):
        resp = client.get("/credit/grades/", {"effective_grade": "A"})
    assert resp.status_code == 200 and "批量1" in resp.content.decode()
