"""The county dashboard at scale: the summary job, the page that reads it, and the live page.

- dashboard_refresh: `governance.dashboard.refresh()` (every section, every region down to the villages)
  vs the same SELECTs replayed raw — the aggregate SQL behind every figure.
- dashboard_county: the county's page as users get it (from the summary tables) vs the raw aggregate
  SQL that computes the same figures live (the queries of `?live=1`, replayed) — the work the summary
  spares; its own SQL is reported beside it.
- dashboard_county_live: the page computed live (`?live=1`, what another date range costs) vs its SQL.
"""
from __future__ import annotations

import statistics

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .cases import Case, _client, _replay
from .measure import summarize, timed

URL = "/dashboard/"


def _captured(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp, list(ctx.captured_queries)


def refresh_case() -> Case:
    def run(reps: int) -> dict:
        from governance import dashboard

        with CaptureQueriesContext(connection) as ctx:
            result = dashboard.refresh()
        selects = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        t = timed(dashboard.refresh, max(1, reps // 2))
        b = timed(_replay(selects), max(1, reps // 2))
        return summarize("dashboard_refresh", "dashboard.refresh() (Celery beat job)",
                         "its aggregate SELECTs, raw", t, b, 1.5,
                         {"queries": len(ctx.captured_queries), "selects": len(selects),
                          "regions": result["regions"], "sections": result["sections"],
                          "seconds_by_section": result["seconds"]})

    return Case("dashboard_refresh", run)


def page_case() -> Case:
    def run(reps: int) -> dict:
        client = _client()
        resp, queries = _captured(client, URL)
        assert "数据由后台任务定时汇总" in resp.content.decode(), "run dashboard_refresh first"
        _live, live_queries = _captured(client, URL + "?live=1")
        t = timed(lambda: client.get(URL), reps)
        b = timed(_replay(live_queries), reps)
        own = timed(_replay(queries), reps)
        return summarize("dashboard_county", "GET /dashboard/ (summary tables)",
                         "the raw aggregate SQL of the same figures", t, b, 3.0,
                         {"queries": len(queries), "max_queries": 25,
                          "own_sql_s": round(statistics.median(own), 4),
                          "ratio_to_own_sql": round(statistics.median(t) / statistics.median(own), 1)},
                         ok=len(queries) <= 25 and statistics.median(t) <= 3 * statistics.median(b))

    return Case("dashboard_county", run)


def live_case() -> Case:
    def run(reps: int) -> dict:
        client = _client()
        _resp, queries = _captured(client, URL + "?live=1")
        t = timed(lambda: client.get(URL + "?live=1"), max(1, reps // 2))
        b = timed(_replay(queries), max(1, reps // 2))
        return summarize("dashboard_county_live", "GET /dashboard/?live=1", "the same SQL, raw", t, b, 3.0,
                         {"queries": len(queries)})

    return Case("dashboard_county_live", run)


CASES = [refresh_case(), page_case(), live_case()]
