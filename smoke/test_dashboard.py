"""The dashboards on SQLite: the refresh job (an upsert of every section's figures; the grids' hours through
julianday, the medians shown as "—") and the page reading those stored figures, equal to the live ones."""
from django.utils import timezone

from governance.models import JobStatus, Region
from governance.tasks import refresh_dashboards
from grids.models import Issue


def table(resp) -> list:
    """What the user reads: every section's rows of figures, its totals, and its charts' data."""
    return [(s["section"].key, [(r["region"].pk, [c["value"] for c in r["cells"]]) for r in s["rows"]], s["totals"],
             [(c["id"], c.get("values"), c.get("series")) for c in s["charts"]])
            for s in resp.context["sections"]]


def test_the_refresh_brings_the_stored_figures_back_to_the_live_ones(login):
    client = login("county_admin")
    stored = client.get("/dashboard/")
    assert stored.status_code == 200 and stored.context["summarized"]
    assert "数据由后台任务定时汇总" in stored.content.decode() and "青石镇" in stored.content.decode()
    assert table(stored) == table(client.get("/dashboard/", {"live": "1"}))

    # Something happens in the county: the stored figures lag until the next refresh.
    issue = Issue.objects.filter(level=1).order_by("pk").first()
    Issue.objects.bulk_create([Issue(title=f"冒烟积水{i}", description="路面积水", category=issue.category,
                                     severity=issue.severity, region=issue.region, village=issue.village,
                                     township=issue.township, reporter=issue.reporter, level=1, status="reported",
                                     deadline=issue.deadline) for i in range(3)])
    live = table(client.get("/dashboard/", {"live": "1"}))
    assert table(client.get("/dashboard/")) != live

    result = refresh_dashboards()

    assert result and JobStatus.objects.get(name="dashboard-refresh").last_finished_at <= timezone.now()
    assert table(client.get("/dashboard/")) == live
    township = Region.objects.get(name="青石镇")
    drilled = client.get("/dashboard/", {"region": township.pk})
    assert drilled.context["summarized"] and table(drilled) == table(client.get("/dashboard/", {"region": township.pk,
                                                                                                 "live": "1"}))
