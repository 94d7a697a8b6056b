"""The county-wide recompute: set-based SQL, in resident-id batches so the county sees progress.

Per batch, three statements:
1. an upsert of every resident's seven clamped scores, total and grade, computed in the database
   (one aggregate over verified, unexpired records + CASE clamping); a row is rewritten only
   where something changed, so a second run changes nothing;
2. an INSERT … SELECT opening a draft review where the computed grade differs from the effective
   one (or there is none) and the resident has no open review;
3. an UPDATE refreshing open drafts whose computed grade moved since they were opened.
It never touches an effective grade: only an approved, noticed review does that.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from governance.jobs import job_run
from governance.models import Region, Resident

from .models import CRITERION_ORDER, Review
from .scoring import Rules, rules_of, standard_on

JOB_NAME = "credit.recompute"
BATCH = 50_000


def _score_sql(rules: Rules) -> str:
    """The SELECT producing (resident_id, score_<code>…, total, grade) for residents in [lo, hi]."""
    sums = ",\n".join(
        f"SUM(CASE WHEN r.criterion = '{c.code}' THEN r.points ELSE 0 END) AS p_{c.code}" for c in rules.criteria
    )
    clamped = ",\n".join(
        f"CASE WHEN {c.base} + COALESCE(a.p_{c.code}, 0) < {c.floor} THEN {c.floor} "
        f"WHEN {c.base} + COALESCE(a.p_{c.code}, 0) > {c.ceiling} THEN {c.ceiling} "
        f"ELSE {c.base} + COALESCE(a.p_{c.code}, 0) END AS score_{c.code}"
        for c in rules.criteria
    )
    total = " + ".join(f"s.score_{c.code}" for c in rules.criteria)
    aaa, aa, a, b = rules.thresholds
    return f"""
        WITH agg AS (
            SELECT r.resident_id, {sums}
            FROM credit_creditrecord r
            WHERE r.status = 'verified' AND r.fact_date >= %(cutoff)s AND r.fact_date <= %(today)s
              AND r.resident_id BETWEEN %(lo)s AND %(hi)s
            GROUP BY r.resident_id
        ), scored AS (
            SELECT p.id AS resident_id, {clamped}
            FROM governance_resident p LEFT JOIN agg a ON a.resident_id = p.id
            WHERE p.id BETWEEN %(lo)s AND %(hi)s
        ), totalled AS (
            SELECT s.*, {total} AS total FROM scored s
        )
        SELECT t.*, CASE WHEN t.total >= {aaa} THEN 'AAA' WHEN t.total >= {aa} THEN 'AA'
                         WHEN t.total >= {a} THEN 'A' WHEN t.total >= {b} THEN 'B' ELSE 'C' END AS grade
        FROM totalled t
    """


def _distinct(a: str, b: str) -> str:
    op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{a} {op} {b}"


def upsert_sql(rules: Rules) -> str:
    cols = [f"score_{code}" for code in CRITERION_ORDER]
    changed = " OR ".join(_distinct(f"credit_residentcredit.{c}", f"excluded.{c}")
                          for c in [*cols, "total", "grade", "standard_id"])
    return f"""
        INSERT INTO credit_residentcredit (resident_id, {", ".join(cols)}, total, grade, standard_id,
                                           computed_at, effective_grade)
        SELECT g.resident_id, {", ".join("g." + c for c in cols)}, g.total, g.grade, %(standard)s, %(now)s, ''
        FROM ({_score_sql(rules)}) g WHERE 1 = 1
        ON CONFLICT (resident_id) DO UPDATE SET
            {", ".join(f"{c} = excluded.{c}" for c in cols)}, total = excluded.total, grade = excluded.grade,
            standard_id = excluded.standard_id, computed_at = excluded.computed_at
        WHERE {changed}
    """


# The village of a resident's region: its path's prefix at the village level (Region.prefix, in SQL).
OPEN_DRAFTS_SQL = f"""
    INSERT INTO credit_review (resident_id, village_id, period, status, standard_id, computed_total, computed_grade,
                               previous_grade, proposed_grade, opinion, adjust_reason, opened_at)
    SELECT c.resident_id, v.id, %(period)s, 'draft', c.standard_id, c.total, c.grade,
           c.effective_grade, c.grade, '', '', %(now)s
    FROM credit_residentcredit c
    JOIN governance_resident p ON p.id = c.resident_id
    JOIN governance_region g ON g.id = p.region_id
    JOIN governance_region v ON v.path = SUBSTR(g.path, 1, {Region.PATH_LENGTH[Region.Level.VILLAGE]})
    WHERE c.resident_id BETWEEN %(lo)s AND %(hi)s AND c.grade <> c.effective_grade
      AND NOT EXISTS (SELECT 1 FROM credit_review o WHERE o.resident_id = c.resident_id
                      AND o.status IN ('draft', 'opinion', 'notice'))
    ON CONFLICT DO NOTHING
"""

# Drafts not yet discussed follow the latest computation (an opinion already given is left alone).
REFRESH_DRAFTS_SQL = """
    UPDATE credit_review SET computed_total = c.total, computed_grade = c.grade, proposed_grade = c.grade,
                             standard_id = c.standard_id
    FROM credit_residentcredit c
    WHERE c.resident_id = credit_review.resident_id AND credit_review.status = 'draft'
      AND credit_review.adjust_reason = '' AND credit_review.resident_id BETWEEN %(lo)s AND %(hi)s
      AND (credit_review.computed_grade <> c.grade OR credit_review.computed_total <> c.total
           OR credit_review.standard_id <> c.standard_id)
"""

DRAFT_EVENTS_SQL = """
    INSERT INTO credit_reviewevent (review_id, at, from_status, to_status, note)
    SELECT o.id, %(now)s, '', 'draft', %(note)s FROM credit_review o
    WHERE o.status = 'draft' AND o.resident_id BETWEEN %(lo)s AND %(hi)s
      AND NOT EXISTS (SELECT 1 FROM credit_reviewevent e WHERE e.review_id = o.id)
"""


def recompute_range(rules: Rules, *, lo: int, hi: int, today: dt.date, now: dt.datetime) -> dict:
    params = {"lo": lo, "hi": hi, "today": today, "cutoff": rules.cutoff(today), "standard": rules.standard_id,
              "now": now, "period": today.strftime("%Y-%m"), "note": "系统计算等级与生效等级不同，自动发起评议"}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(upsert_sql(rules), params)
        changed = cur.rowcount
        if connection.vendor == "postgresql":
            # Open the drafts and write their first history row in one statement.
            cur.execute(f"WITH opened AS ({OPEN_DRAFTS_SQL} RETURNING id) "
                        "INSERT INTO credit_reviewevent (review_id, at, from_status, to_status, note) "
                        "SELECT id, %(now)s, '', 'draft', %(note)s FROM opened", params)
            opened = cur.rowcount
        else:
            cur.execute(OPEN_DRAFTS_SQL, params)
            opened = cur.rowcount
            cur.execute(DRAFT_EVENTS_SQL, params)
        cur.execute(REFRESH_DRAFTS_SQL, params)
        refreshed = cur.rowcount
    return {"changed": changed, "opened": opened, "refreshed": refreshed}


def recompute_all(*, today: dt.date | None = None, batch: int = BATCH) -> dict:
    """Recompute every resident of the county; returns counts. Idempotent, safe to rerun or kill."""
    today = today or timezone.localdate()
    standard = standard_on(today)
    if standard is None:
        return {"residents": 0, "changed": 0, "opened": 0, "refreshed": 0, "standard": None}
    rules = rules_of(standard)
    now = timezone.now()
    totals = {"residents": 0, "changed": 0, "opened": 0, "refreshed": 0, "standard": standard.version}
    with job_run(JOB_NAME) as progress:
        ids = Resident.objects.order_by("pk").values_list("pk", flat=True)
        total = Resident.objects.count()
        progress.set(0, total)
        lo = ids.first()
        while lo is not None:
            # The batch's upper id: the batch-th id from lo (keyset, index-only), or the last one.
            hi = ids.filter(pk__gte=lo)[batch - 1 : batch].first() or ids.last()
            counts = recompute_range(rules, lo=lo, hi=hi, today=today, now=now)
            for key, value in counts.items():
                totals[key] += value
            totals["residents"] += Resident.objects.filter(pk__gte=lo, pk__lte=hi).count()
            progress.set(totals["residents"], total)
            lo = ids.filter(pk__gt=hi).first()
        totals["notified"] = _notify_secretaries(opened_at=now)
        progress.result.update(totals)
    return totals


def _notify_secretaries(*, opened_at) -> int:
    """One notification per village secretary whose village got new drafts in this run."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from governance.audit import notify
    from governance.scoping import Role
    from governance.selectors import office_users

    counts = dict(Review.objects.filter(status=Review.Status.DRAFT, opened_at=opened_at)
                  .values_list("village_id").annotate(n=Count("pk")))
    if not counts:
        return 0
    sent = 0
    for village_id, user_ids in office_users(counts, [Role.VILLAGE_SECRETARY]).items():
        sent += notify(user_ids, title=_("有 %(n)d 位村民的信用等级需要评议") % {"n": counts[village_id]},
                       body=_("系统计算的等级与生效等级不同，已自动发起评议，请组织村评议会评议。"),
                       url=reverse("credit:review_list") + "?status=draft")
    return sent


def open_review_count() -> int:
    return Review.objects.filter(status__in=Review.OPEN).count()
