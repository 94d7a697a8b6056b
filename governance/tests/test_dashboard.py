import pytest

from governance import dashboard

from .fixtures import make_household, make_resident


def test_the_county_compares_townships_and_a_township_sees_only_its_villages(tree, personas, web):
    make_resident(tree.A1g, is_party_member=True)
    make_resident(tree.B1g)
    county = web(personas.county_admin).get("/dashboard/").content.decode()
    assert "甲镇" in county and "乙街道" in county and "人口与党员" in county
    township = web(personas.township_staff_a).get("/dashboard/").content.decode()
    assert "甲一村" in township and "乙街道" not in township and "乙一社区" not in township


def test_a_township_cannot_look_at_another_townships_dashboard(tree, personas, web):
    page = web(personas.township_staff_a).get("/dashboard/", {"region": tree.B.pk}).content.decode()
    assert "乙一社区" not in page  # falls back to the user's own township


def test_the_dashboard_costs_the_same_queries_whatever_the_size_of_the_county(tree, personas, web):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web(personas.county_admin)
    counts = []
    for n in (5, 60):
        household = make_household(tree.A1g)
        for _ in range(n):
            make_resident(tree.A1g, household=household)
        client.get("/dashboard/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/").status_code == 200
        counts.append(len(ctx.captured_queries))
    # Every app's sections together: a fixed number of GROUP BY queries, whatever the county's size.
    assert counts[0] == counts[1] <= 50, counts


@pytest.mark.parametrize("query, message", [
    ("since=2026-02-30", "2026-02-30"), ("until=2026-13-01", "2026-13-01"), ("since=garbage", "garbage"),
    ("since=0001-01-01", "0001-01-01"), ("until=9999-12-31", "9999-12-31"),
    ("since=2000-01-01&until=2099-12-31", "最长 10 年"),
    ("region=%C2%B2", None), ("region=99999999999999999999999", None), ("region=-1", None), ("region=%00", None),
])
def test_bad_dashboard_parameters_fall_back_with_a_message_never_500(tree, personas, web, query, message):
    resp = web(personas.county_admin).get(f"/dashboard/?{query}")
    assert resp.status_code == 200, query
    page = resp.content.decode()
    assert "甲镇" in page and "乙街道" in page  # the county's own dashboard, default range
    since, until = resp.context["since"], resp.context["until"]
    assert (since, until) == dashboard.default_range()
    if message:
        assert message in page and "已改用默认" in page
