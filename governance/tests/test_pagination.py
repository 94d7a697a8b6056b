"""A count on a list never exceeds what the viewer can see, and "next" never points past the last row.

The planner's estimate counts the whole table: shown to a resident who sees one row, it told them how
many residents the county has. The tests lower ESTIMATE_ABOVE to 100 and fill a village the viewers
below cannot see with 300 residents (ANALYZEd, so the planner expects hundreds of rows for any scope).
"""
import pytest
from django.db import connection

from governance import pagination

from .fixtures import make_household, make_resident

LIMIT = 100


@pytest.fixture
def big_table(tree, personas, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", LIMIT)
    household = make_household(tree.A2g)
    for _ in range(300):
        make_resident(tree.A2g, household=household)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE governance_resident")
        cursor.execute("ANALYZE governance_region")
    return 302  # with the two villagers of `personas`


def test_a_resident_who_sees_one_row_is_told_one_not_the_size_of_the_table(big_table, personas, web, api):
    # the page is a staff page (a villager has only a villager's pages); the API answers with their one row
    assert web(personas.resident_a1).get("/residents/").status_code == 404
    body = api(personas.resident_a1).get("/api/v1/governance/residents/").json()
    assert (body["count"], body["count_is_estimate"], body["next"]) == (1, False, None)
    assert len(body["results"]) == 1


def test_a_grid_leader_sees_the_count_of_their_group_only(big_table, tree, personas, api):
    body = api(personas.grid_leader_a1).get("/api/v1/governance/residents/").json()
    assert body["count"] == len(body["results"]) == 1 and body["count_is_estimate"] is False


def test_beyond_the_limit_the_count_is_a_proven_lower_bound_and_next_stops_at_the_last_row(big_table, personas, api):
    client = api(personas.county_admin)
    first = client.get("/api/v1/governance/residents/?page_size=100").json()
    assert (first["count"], first["count_is_estimate"]) == (LIMIT, True) and first["next"]
    # Past num_pages of the lower bound, pages stay reachable while they have rows ...
    last = client.get("/api/v1/governance/residents/?page_size=100&page=4").json()
    assert len(last["results"]) == big_table - 300 and last["next"] is None and last["previous"]
    # ... and the page after the last row is not found, as DRF answers any page past the end.
    assert client.get("/api/v1/governance/residents/?page_size=100&page=5").status_code == 404
    assert client.get("/api/v1/governance/residents/?page_size=100&page=99999999999999999999").status_code == 404


def test_the_html_list_says_more_than_and_offers_no_next_page_after_the_last_row(big_table, personas, web):
    client = web(personas.county_admin)
    first = client.get("/residents/").content.decode()
    assert "超过 100 条" in first and "下一页" in first and f"共 {big_table}" not in first
    last = client.get("/residents/?page=7").content.decode()  # 50 a page: rows 301 and 302
    assert "上一页" in last and "下一页" not in last and "第 7 页" in last
    assert client.get("/residents/?page=8").status_code == 404


def test_below_the_limit_the_count_is_exact_and_next_is_null_on_the_last_page(tree, personas, api):
    household = make_household(tree.A1g)
    for _ in range(2):
        make_resident(tree.A1g, household=household)
    client = api(personas.village_secretary_a1)
    first = client.get("/api/v1/governance/residents/?page_size=2").json()
    second = client.get("/api/v1/governance/residents/?page_size=2&page=2").json()
    assert (first["count"], first["count_is_estimate"], bool(first["next"])) == (3, False, True)
    assert (len(second["results"]), second["next"]) == (1, None)
    assert client.get("/api/v1/governance/residents/?page_size=2&page=3").status_code == 404


def test_the_bounded_count_reads_at_most_one_row_more_than_the_limit(tree, personas):
    from django.test.utils import CaptureQueriesContext

    from governance.models import Resident

    qs = Resident.objects.restrict(personas.county_admin, "view")
    with CaptureQueriesContext(connection) as ctx:
        assert pagination.bounded_count(qs, limit=1) == (1, True)
        assert pagination.bounded_count(qs, limit=2) == (2, False)
    assert len(ctx.captured_queries) == 2 and all("LIMIT" in q["sql"] for q in ctx.captured_queries)
