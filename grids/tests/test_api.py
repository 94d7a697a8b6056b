"""The API as a client sees it: the same chain, the same messages, 404 outside one's scope."""
from django.core.files.uploadedfile import SimpleUploadedFile

from grids.models import EscalationLevel, Issue, IssueStatus

from .factories import category, make_issue, staffed_grid


def test_a_resident_reports_through_the_api_and_sees_only_their_own(tree, personas, api):
    client = api(personas.resident_a1)
    resp = client.post("/api/v1/grids/issues/", {"category": category().pk, "severity": "minor",
                                                 "title": "水管漏水", "description": "巷口水管漏水"}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["level"] == EscalationLevel.GRID and resp.json()["seconds_left"] > 0
    make_issue(tree.A1g, reporter=personas.grid_leader_a1, title="别人的事")
    titles = [r["title"] for r in client.get("/api/v1/grids/issues/").json()["results"]]
    assert titles == ["水管漏水"]


def test_an_unknown_category_and_a_foreign_village_are_400_with_a_message(tree, personas, api):
    client = api(personas.resident_a1)
    resp = client.post("/api/v1/grids/issues/", {"category": 999999, "severity": "minor", "title": "x",
                                                 "description": "y"}, format="json")
    assert resp.status_code == 400 and "类别" in resp.json()["category"][0]
    resp = client.post("/api/v1/grids/issues/", {"category": category().pk, "severity": "minor", "title": "x",
                                                 "description": "y", "region": tree.A2g.pk}, format="json")
    assert resp.status_code == 400 and "其他村" in resp.json()["region"][0]
    assert not Issue.objects.exists()


def test_escalating_a_closed_issue_is_409_and_a_stale_version_too(tree, personas, api):
    closed = make_issue(tree.A1g, reporter=personas.resident_a1, status=IssueStatus.CLOSED)
    client = api(personas.grid_leader_a1)
    resp = client.post(f"/api/v1/grids/issues/{closed.pk}/escalate/", {"note": "再提级"}, format="json")
    assert resp.status_code == 409 and "不能提级" in resp.json()["detail"]
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    ok = client.post(f"/api/v1/grids/issues/{issue.pk}/escalate/", {"note": "协调", "version": issue.version}, format="json")
    assert ok.status_code == 200 and ok.json()["level"] == EscalationLevel.VILLAGE
    stale = api(personas.village_secretary_a1).post(f"/api/v1/grids/issues/{issue.pk}/escalate/",
                                                    {"note": "重复", "version": issue.version}, format="json")
    assert stale.status_code == 409
    events = client.get(f"/api/v1/grids/issues/{issue.pk}/events/").json()
    assert [e["kind"] for e in events] == ["reported", "escalated"]


def test_a_disguised_attachment_is_400(tree, personas, api):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1)
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", "application/pdf")
    resp = api(personas.resident_a1).post(f"/api/v1/grids/issues/{issue.pk}/attach/", {"file": fake}, format="multipart")
    assert resp.status_code == 400 and "PDF" in str(resp.json())


def test_another_townships_issue_is_404_for_every_verb(tree, personas, api):
    issue_b = make_issue(tree.B1g, reporter=personas.resident_b1)
    client = api(personas.township_head_a)
    for verb in ("accept", "resolve", "escalate", "reject"):
        assert client.post(f"/api/v1/grids/issues/{issue_b.pk}/{verb}/", {"note": "x"}, format="json").status_code == 404


def test_responsibility_through_the_api(tree, personas, api):
    from governance.tests.fixtures import make_household

    grid, (m1, _m2) = staffed_grid(tree.A1g)
    household = make_household(tree.A1g)
    resp = api(personas.grid_leader_a1).post(f"/api/v1/grids/grids/{grid.pk}/responsibilities/",
                                             {"household": household.pk, "member": m1.pk}, format="json")
    assert resp.status_code == 200 and resp.json()["member_name"] == m1.name
    listed = api(personas.grid_leader_a1).get("/api/v1/grids/grids/").json()["results"]
    assert [g["assigned_count"] for g in listed if g["id"] == grid.pk] == [1]
