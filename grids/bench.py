"""grids/ at county scale: 200,000 issues of which 20,000 are past their level's deadline, and the
escalation sweep measured against one set-based UPDATE … RETURNING + one history INSERT … SELECT.

The grids themselves (one per group/compound, ≈1,700), their members and the households' responsible
members come from the demo (`grids.demo`, bulk); this only tops up the issues, in SQL.
"""
from __future__ import annotations

import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.cases import Case
from bench.measure import summarize

from .models import ACTIVE_STATUSES, EscalationLevel, Issue

ISSUES = 200_000  # at 500,000 residents; other sizes scale
OVERDUE = 20_000
TAG = "【基准】"  # the bench's own issues (title prefix): recognisable, never confused with the demo's


def _overdue_count(now=None) -> int:
    now = now or timezone.now()
    return Issue.objects.filter(status__in=ACTIVE_STATUSES, level__lt=EscalationLevel.COUNTY, deadline__lt=now).count()


def build(*, residents: int) -> None:
    """Idempotent: tops up to ISSUES issues and OVERDUE overdue ones; a second run adds nothing."""
    started = time.monotonic()
    issues, overdue = ISSUES * residents // 500_000, OVERDUE * residents // 500_000
    have = Issue.objects.count()
    if have >= issues:
        return
    overdue_missing = max(0, overdue - _overdue_count())
    missing = issues - have
    from django.contrib.auth import get_user_model

    reporter = get_user_model().objects.filter(is_superuser=True).order_by("pk").values_list("pk", flat=True).first()
    # Row n (1..missing): the first `overdue_missing` rows are open and past their deadline (one second
    # apart, so a case can pick `now` to make exactly k of them overdue); the rest are open with a
    # deadline weeks ahead (still open when the bench runs again) or resolved/closed/rejected.
    # Household n*7919 mod H spreads issues over the county; the issue's grid is its household's group.
    sql = """
    WITH hh AS (
        SELECT h.id, row_number() OVER (ORDER BY h.id) - 1 AS rn, substr(r.path, 1, 15) AS gpath
        FROM governance_household h JOIN governance_region r ON r.id = h.region_id
    ), n_hh AS (SELECT count(*) AS n FROM hh),
    cats AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM centers_workcategory WHERE active),
    n_cats AS (SELECT count(*) AS n FROM cats),
    src AS (
        SELECT gs AS n,
               (gs <= %(overdue)s) AS overdue,
               CASE WHEN gs <= %(overdue)s THEN (ARRAY[1,1,1,1,1,1,2,2,2,3])[1 + gs %% 10]
                    ELSE (ARRAY[1,1,1,1,1,2,2,3,3,4])[1 + gs %% 10] END AS level,
               (ARRAY['minor','minor','hard','major'])[1 + (gs / 10) %% 4] AS severity,
               CASE WHEN gs <= %(overdue)s THEN (ARRAY['reported','accepted','in_progress','reopened'])[1 + (gs / 3) %% 4]
                    ELSE (ARRAY['reported','accepted','in_progress','resolved','closed','closed','closed','closed',
                                'resolved','rejected'])[1 + (gs / 3) %% 10] END AS status
        FROM generate_series(1, %(missing)s) gs
    )
    INSERT INTO grids_issue (title, description, severity, level, status, deadline, version, reject_reason,
                             created_at, updated_at, resolved_at, category_id, household_id, region_id,
                             reporter_id, township_id, village_id)
    SELECT %(tag)s || '事件 ' || s.n, '基准数据：群众反映的问题，请及时处理。', s.severity, s.level, s.status,
           CASE WHEN s.overdue THEN %(now)s - make_interval(hours => 1, secs => s.n)
                WHEN s.status IN ('reported','accepted','in_progress','reopened')
                    THEN %(now)s + make_interval(days => 30 + s.n %% 300)
                ELSE %(now)s - make_interval(days => 400 + s.n %% 300) END,
           1, CASE WHEN s.status = 'rejected' THEN '不属于公共事务，已告知当事人' ELSE '' END,
           %(now)s - make_interval(days => 1 + s.n %% 700), %(now)s,
           CASE WHEN s.status IN ('resolved','closed') THEN %(now)s - make_interval(days => 400 + s.n %% 300) END,
           c.id, hh.id, g.id, %(reporter)s, t.id, v.id
    FROM src s
    CROSS JOIN n_hh CROSS JOIN n_cats
    JOIN hh ON hh.rn = (s.n::bigint * 7919) %% n_hh.n
    JOIN cats c ON c.rn = s.n %% n_cats.n
    JOIN governance_region g ON g.path = hh.gpath
    JOIN governance_region v ON v.path = substr(hh.gpath, 1, 12)
    JOIN governance_region t ON t.path = substr(hh.gpath, 1, 9)
    """
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, {"overdue": overdue_missing, "missing": missing, "tag": TAG, "now": now, "reporter": reporter})
        inserted = cur.rowcount
        # Their first history row, as a report would write it.
        cur.execute("""
            INSERT INTO grids_issueevent (issue_id, kind, actor_id, at, from_status, to_status, from_level, to_level, note)
            SELECT i.id, 'reported', i.reporter_id, i.created_at, '', 'reported', NULL, 1, ''
            FROM grids_issue i WHERE i.title LIKE %(tag)s || '%%'
              AND NOT EXISTS (SELECT 1 FROM grids_issueevent e WHERE e.issue_id = i.id)
        """, {"tag": TAG})
        cur.execute("ANALYZE grids_issue; ANALYZE grids_issueevent")
    print(f"  grids: {inserted} issues ({overdue_missing} overdue) in {time.monotonic() - started:.0f} s", flush=True)


# --- The case -------------------------------------------------------------------------------------

def _rolled_back(fn):
    """Run fn in a transaction that is rolled back: each rep starts from the same overdue issues."""
    def run():
        with transaction.atomic():
            out = fn()
            transaction.set_rollback(True)
        return out
    return run


BASELINE_SQL = """
WITH sla(level, severity, hours) AS (VALUES {sla}),
moved AS (
    UPDATE grids_issue i
    SET level = i.level + 1, status = 'reported', assignee_id = NULL, version = i.version + 1, updated_at = %(now)s,
        deadline = %(now)s + make_interval(hours => sla.hours)
    FROM (SELECT id, status, level, severity FROM grids_issue
          WHERE status IN ('reported', 'accepted', 'in_progress', 'reopened') AND level < {county} AND deadline < %(now)s
          FOR UPDATE) old
    JOIN sla ON sla.level = old.level + 1 AND sla.severity = old.severity
    WHERE i.id = old.id
    RETURNING i.id, old.status AS from_status, old.level AS from_level
)
INSERT INTO grids_issueevent (issue_id, kind, at, from_status, to_status, from_level, to_level, note)
SELECT id, 'auto_escalated', %(now)s, from_status, 'reported', from_level, from_level + 1, '超时自动提级' FROM moved
"""


def _baseline(now):
    from .actions import sla_table

    table = sla_table()
    values = ", ".join(f"({lvl}, '{sev}', {h})" for (lvl, sev), h in table.items())
    sql = BASELINE_SQL.format(sla=values, county=int(EscalationLevel.COUNTY))

    def run():
        with connection.cursor() as cur:
            cur.execute(sql, {"now": now})
            return cur.rowcount
    return run


def _sweep(now):
    from .actions import issues_escalate_overdue

    return lambda: issues_escalate_overdue(now=now)


def _timed_pair(a, b, reps):
    """Alternate a and b (after one warm-up each) so machine noise hits both alike."""
    a(); b()
    ta, tb = [], []
    for _ in range(reps):
        for fn, out in ((a, ta), (b, tb)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return ta, tb


def escalation_sweep(reps: int) -> dict:
    now = timezone.now()
    overdue = _overdue_count(now)
    # A `now` at which only 2,000 issues are overdue: the 2,000th oldest deadline (+1 µs).
    small_n = min(2_000, overdue)
    cutoff = (Issue.objects.filter(status__in=ACTIVE_STATUSES, level__lt=EscalationLevel.COUNTY, deadline__lt=now)
              .order_by("deadline", "id").values_list("deadline", flat=True)[small_n - 1])
    small_now = cutoff + timezone.timedelta(microseconds=1)
    small_overdue = _overdue_count(small_now)

    def count_queries(at):
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            result = _sweep(at)()
            transaction.set_rollback(True)
        sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
        return len(sql), result

    q_small, r_small = count_queries(small_now)
    q_big, r_big = count_queries(now)
    with transaction.atomic():
        moved_baseline = _baseline(now)()
        transaction.set_rollback(True)
    assert r_big["moved"] == moved_baseline == overdue, (r_big, moved_baseline, overdue)
    t, b = _timed_pair(_rolled_back(_sweep(now)), _rolled_back(_baseline(now)), reps)
    started = time.perf_counter()
    _rolled_back(_sweep(small_now))()
    t_small = time.perf_counter() - started
    extra = {
        "issues": Issue.objects.count(), "overdue": overdue, "moved": r_big["moved"], "batches": r_big["batches"],
        "queries": q_big, f"queries_at_{small_overdue}_overdue": q_small,
        "queries_per_batch": round((q_big - q_small) / max(1, r_big["batches"] - r_small["batches"]), 1),
        f"sweep_s_at_{small_overdue}_overdue": round(t_small, 3),
        "note": "each rep in a rolled-back transaction (notifications are on_commit, so not sent)",
    }
    return summarize("escalation_sweep", "grids.actions.issues_escalate_overdue",
                     "one UPDATE … RETURNING + one INSERT … SELECT", t, b, 2.0, extra)


CASES = [Case("escalation_sweep", escalation_sweep)]
