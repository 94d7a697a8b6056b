"""The dashboards' summary tables: the stored figures equal the live ones, for every role that sees a
dashboard; they are shown only to users whose scope covers every table the section read; the page
that reads them costs a handful of queries; the refresh is an idempotent upsert that survives a crash."""
import dataclasses
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import dashboard
from governance.models import DashboardSummary, JobStatus, Region
from governance.scoping import covers

from .fixtures import make_resident


@pytest.fixture
def demo(db):
    call_command("seed_demo", residents=600, force=True, stdout=open("/dev/null", "w"))
    return get_user_model().objects


def table(resp) -> list:
    """What the user reads: every section's rows of figures, its totals, and its charts' data."""
    return [(s["section"].key, [(r["region"].pk, [c["value"] for c in r["cells"]]) for r in s["rows"]], s["totals"],
             [(c["id"], c.get("values"), c.get("series")) for c in s["charts"]])
            for s in resp.context["sections"]]


def test_on_the_demo_county_the_stored_figures_are_the_live_figures(demo, web):
    """One demo county (building it is the slow part), every manager role, every level, the query cost."""
    for username in ("county_admin", "township_head", "village_secretary"):
        client = web(demo.get(username=username))
        stored = client.get("/dashboard/")
        assert stored.context["summarized"], "seed_demo refreshes the summaries"
        assert all(s["refreshed_at"] for s in stored.context["sections"]), username
        live = client.get("/dashboard/", {"live": "1"})
        assert not any(s["refreshed_at"] for s in live.context["sections"])
        assert table(stored) == table(live), username
        assert "数据由后台任务定时汇总" in stored.content.decode() and "实时计算" in live.content.decode()

    # drilling down reads the stored figures of each level
    client = web(demo.get(username="county_admin"))
    township = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("path").first()
    village = Region.objects.filter(parent=township).order_by("path").first()
    for region in (township, village):
        stored = client.get("/dashboard/", {"region": region.pk})
        assert stored.context["summarized"]
        assert table(stored) == table(client.get("/dashboard/", {"region": region.pk, "live": "1"}))

    # the summarized county page costs at most 25 queries
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get("/dashboard/")
    assert resp.context["summarized"]
    assert len(ctx.captured_queries) <= 25, [q["sql"][:120] for q in ctx.captured_queries]

    # another date range is computed live
    resp = client.get("/dashboard/", {"since": "2025-01-01", "until": "2025-12-31"})
    assert not resp.context["summarized"] and not any(s["refreshed_at"] for s in resp.context["sections"])


def test_a_summary_is_shown_only_where_the_users_scope_covers_every_table_it_read(tree, personas):
    staff_a = personas.township_staff_a
    assert covers(staff_a, "governance.resident", tree.A) and covers(staff_a, "governance.resident", tree.A1)
    assert not covers(staff_a, "governance.resident", tree.B)
    assert not covers(staff_a, "governance.jobstatus", tree.A)  # a county-only table
    assert covers(personas.county_admin, "governance.jobstatus", tree.A)
    make_resident(tree.A1g)
    dashboard.refresh()
    people = [s for s in dashboard._sections if s.key == "people"]
    since, until = dashboard.default_range()
    assert dashboard.summaries_for(staff_a, tree.A, people, since, until)
    DashboardSummary.objects.filter(section="people").update(reads=["governance.resident", "governance.jobstatus"])
    assert not dashboard.summaries_for(staff_a, tree.A, people, since, until)  # one table out of scope: live


def test_a_township_never_reads_another_townships_stored_figures(tree, personas, web):
    make_resident(tree.B1g)
    dashboard.refresh()
    page = web(personas.township_staff_a).get("/dashboard/", {"region": tree.B.pk})
    assert page.context["root"] == tree.A and "乙一社区" not in page.content.decode()


def test_the_refresh_is_an_idempotent_upsert_and_a_crash_keeps_the_previous_figures(tree, monkeypatch):
    make_resident(tree.A1g)
    first = dashboard.refresh()
    rows = {(s.section, s.region_id): s.values for s in DashboardSummary.objects.all()}
    assert rows and first["sections"] == len(dashboard._sections)
    dashboard.refresh()
    assert {(s.section, s.region_id): s.values for s in DashboardSummary.objects.all()} == rows

    make_resident(tree.A1g)
    people = next(s for s in dashboard._sections if s.key == "people")
    later = next(s for s in sorted(dashboard._sections, key=lambda s: s.order) if s.order > people.order)

    def crash(c):
        raise RuntimeError("killed")

    broken = dataclasses.replace(later, compute=crash)
    monkeypatch.setattr(dashboard, "_sections", [broken if s.key == later.key else s for s in dashboard._sections])
    before = {s.region_id: s.values for s in DashboardSummary.objects.filter(section=later.key)}
    with pytest.raises(RuntimeError):
        dashboard.refresh()
    # the sections before the crash hold the new figures, the crashed one its previous figures
    county_people = DashboardSummary.objects.get(section="people", region=tree.C)
    assert county_people.values[tree.A.path]["residents"] == 2
    assert {s.region_id: s.values for s in DashboardSummary.objects.filter(section=later.key)} == before


def test_a_summary_of_last_year_is_not_shown_this_year(tree, personas, web):
    make_resident(tree.A1g)
    dashboard.refresh()
    DashboardSummary.objects.update(since=dt.date(2000, 1, 1))
    assert not web(personas.county_admin).get("/dashboard/").context["summarized"]


def test_beat_refreshes_the_summaries_in_a_real_worker(celery_worker_process, tree, settings):
    from governance.tasks import refresh_dashboards

    assert settings.CELERY_BEAT_SCHEDULE["dashboard-refresh"]["task"] == "governance.tasks.refresh_dashboards"
    make_resident(tree.A1g)
    celery_worker_process.enqueue(refresh_dashboards)
    assert celery_worker_process.wait_for(
        lambda: JobStatus.objects.filter(name="dashboard-refresh", last_finished_at__isnull=False).exists(),
        timeout=60)
    status = JobStatus.objects.get(name="dashboard-refresh")
    assert status.progress_done == status.progress_total == len(dashboard._sections)
    assert DashboardSummary.objects.get(section="people", region=tree.C).values[tree.A.path]["residents"] == 1
