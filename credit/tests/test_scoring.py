"""The scoring rules as a villager would notice them: floors, ceilings, expiry, the version in force."""
import datetime as dt

from hypothesis import given, settings, strategies as st

from credit.scoring import CriterionRule, Rules, score

CODES = ["law", "contract", "filial", "neighbour", "customs", "hygiene", "public"]
TODAY = dt.date(2026, 11, 29)


@st.composite
def rules(draw):
    crits = []
    for code in CODES:
        floor = draw(st.integers(-5, 10))
        ceiling = draw(st.integers(floor + 1, floor + 30))
        base = draw(st.integers(floor, ceiling))
        crits.append(CriterionRule(code, code, base, floor, ceiling))
    b = draw(st.integers(-50, 100))
    gaps = draw(st.lists(st.integers(1, 20), min_size=3, max_size=3))
    thresholds = (b + sum(gaps), b + gaps[0] + gaps[1], b + gaps[0], b)
    return Rules(None, 1, draw(st.integers(30, 2000)), thresholds, tuple(crits))


records = st.lists(st.tuples(st.sampled_from(CODES), st.integers(-15, 15).filter(bool),
                             st.dates(dt.date(2018, 1, 1), TODAY)), max_size=40)


@given(rules(), records)
@settings(max_examples=200, deadline=None)
def test_it_never_scores_a_criterion_below_its_floor_or_above_its_ceiling(r, recs):
    scores, total, grade = score(r, recs, TODAY)
    for c in r.criteria:
        assert c.floor <= scores[c.code] <= c.ceiling
    assert total == sum(scores.values())
    assert grade == r.grade_for(total)


@given(rules(), records)
@settings(max_examples=200, deadline=None)
def test_it_ignores_records_older_than_the_validity_period_and_future_ones(r, recs):
    counting = [x for x in recs if r.cutoff(TODAY) <= x[2] <= TODAY]
    expired = [(c, p, r.cutoff(TODAY) - dt.timedelta(days=1)) for c, p, _ in recs]
    assert score(r, recs, TODAY) == score(r, counting + expired, TODAY)


@given(rules(), st.sampled_from(CODES), st.integers(1, 15))
@settings(max_examples=100, deadline=None)
def test_a_record_counts_on_the_last_day_of_its_validity_and_not_the_day_after(r, code, points):
    fact = r.cutoff(TODAY)
    on_last_day = score(r, [(code, -points, fact)], TODAY)[0][code]
    next_day = score(r, [(code, -points, fact)], TODAY + dt.timedelta(days=1))[0][code]
    base = next(c for c in r.criteria if c.code == code)
    assert next_day == base.base
    assert on_last_day == max(base.floor, base.base - points)


@given(rules(), records, st.sampled_from(CODES), st.integers(1, 15))
@settings(max_examples=100, deadline=None)
def test_a_negative_record_never_raises_the_grade(r, recs, code, points):
    from credit.models import GRADE_RANK

    before = score(r, recs, TODAY)
    after = score(r, recs + [(code, -points, TODAY)], TODAY)
    assert after[1] <= before[1]
    assert GRADE_RANK[after[2]] <= GRADE_RANK[before[2]]


@given(rules(), rules(), records)
@settings(max_examples=100, deadline=None)
def test_the_same_records_are_graded_by_whichever_version_is_in_force(old, new, recs):
    """The version switch changes only the rules: identical records, each version's own bounds."""
    s_old, t_old, g_old = score(old, recs, TODAY)
    s_new, t_new, g_new = score(new, recs, TODAY)
    assert g_old == old.grade_for(t_old) and g_new == new.grade_for(t_new)
    for c in new.criteria:
        assert c.floor <= s_new[c.code] <= c.ceiling
