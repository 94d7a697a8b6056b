"""The API: each workflow step as POST …/{id}/<verb>/, with the same rules as the pages."""
import datetime as dt

from centers.models import Center, CenterKind, OperatingMode, PipelineStep, Stage, TownshipMode, VillageContact

from . import factories as f


def test_it_switches_mode_and_then_lets_another_centers_staff_take_the_item(tree, personas, api):
    social = f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS)
    item = f.work_item(tree.A)
    refused = api(social).post(f"/api/v1/centers/work-items/{item.pk}/take/", {}, format="json")
    assert refused.status_code == 403 and "平时按分工" in refused.json()["detail"]
    mode = TownshipMode.objects.get(township=tree.A)
    resp = api(personas.township_head_a).post(f"/api/v1/centers/township-modes/{mode.pk}/switch/",
                                              {"to_mode": "coordinated", "reason": "应急统筹调度"}, format="json")
    assert resp.status_code == 200 and resp.json()["to_mode"] == OperatingMode.COORDINATED
    taken = api(social).post(f"/api/v1/centers/work-items/{item.pk}/take/", {}, format="json")
    assert taken.status_code == 200 and taken.json()["assignee"] == social.pk
    again = api(social).post(f"/api/v1/centers/work-items/{item.pk}/take/", {}, format="json")
    assert again.status_code == 409 and "已有人承办" in again.json()["detail"]  # its state moved on: the rule's 409


def test_it_answers_404_for_another_townships_item_before_reading_the_body(tree, personas, api):
    item = f.work_item(tree.B)
    resp = api(personas.township_head_a).post(f"/api/v1/centers/work-items/{item.pk}/assign/", {"assignee": "x"},
                                              format="json")
    assert resp.status_code == 404


def test_a_second_contact_cadre_is_a_400_with_a_field_message(tree, personas, api):
    one, two = f.staff(tree.A), f.staff(tree.A)
    client = api(personas.township_head_a)
    assert client.post("/api/v1/centers/village-contacts/", {"village": tree.A1.pk, "cadre": one.pk},
                       format="json").status_code == 201
    resp = client.post("/api/v1/centers/village-contacts/", {"village": tree.A1.pk, "cadre": two.pk}, format="json")
    assert resp.status_code == 400 and "只能有一名联系干部" in resp.json()["village"][0]
    assert VillageContact.objects.filter(village=tree.A1).count() == 1


def test_the_pipeline_runs_village_township_county_over_the_api(tree, personas, api):
    cand = f.candidate(tree.A1g, stage=Stage.PROBATIONARY, since=dt.date(2024, 6, 1))
    early = api(personas.village_secretary_a1).post(f"/api/v1/centers/candidates/{cand.pk}/propose/",
                                                    {"step_date": "2025-01-01"}, format="json")
    assert early.status_code == 400 and "365" in early.json()["step_date"][0]
    wrong = api(personas.township_head_a).post(f"/api/v1/centers/candidates/{cand.pk}/propose/",
                                               {"step_date": "2025-07-01"}, format="json")
    assert wrong.status_code == 403
    step = api(personas.village_secretary_a1).post(f"/api/v1/centers/candidates/{cand.pk}/propose/",
                                                   {"step_date": "2025-07-01"}, format="json").json()
    assert api(personas.township_staff_a).post(f"/api/v1/centers/pipeline-steps/{step['id']}/approve/",
                                               format="json").status_code == 200
    filed = api(personas.county_admin).post(f"/api/v1/centers/pipeline-steps/{step['id']}/file/", format="json")
    assert filed.status_code == 200 and filed.json()["status"] == PipelineStep.Status.FILED
    cand.refresh_from_db()
    assert cand.stage == Stage.FULL


def test_a_mentor_who_is_not_a_full_member_is_refused_over_the_api(tree, personas, api):
    from centers.models import PartyMember
    from governance.tests.fixtures import make_resident

    probationary = f.member(tree.A1g, membership=PartyMember.Membership.PROBATIONARY)
    resident = make_resident(tree.A1g)
    resp = api(personas.village_secretary_a1).post("/api/v1/centers/candidates/", {
        "resident": resident.pk, "organization": f.village_branch(tree.A1).pk, "applied_on": "2025-01-01",
        "mentor": probationary.pk}, format="json")
    assert resp.status_code == 400 and "正式党员" in resp.json()["mentor"][0]


def test_bulk_attendance_over_the_api_counts_only_new_rows(tree, personas, api):
    from decimal import Decimal

    from centers import actions
    from centers.models import TrainingLevel
    from governance.tests.fixtures import make_resident

    course = actions.course_create(actor=personas.county_admin, title="党校轮训", level=TrainingLevel.PARTY_SCHOOL,
                                   region=tree.C)
    session = actions.session_create(actor=personas.county_admin, course=course, region=tree.C, date=dt.date(2026, 5, 1),
                                     hours=Decimal("8"))
    people = [make_resident(tree.A1g).pk, make_resident(tree.B1g).pk]
    url = f"/api/v1/centers/training-sessions/{session.pk}/attendance/"
    assert api(personas.county_admin).post(url, {"residents": people}, format="json").json() == {"added": 2}
    assert api(personas.county_admin).post(url, {"residents": people}, format="json").json() == {"added": 0}


# The core's region API, seen from centers: the core's tests import no domain app (.importlinter).
def test_creating_a_township_through_the_api_gives_it_its_four_centers(tree, personas, api):
    resp = api(personas.county_admin).post("/api/v1/governance/regions/", {
        "parent": tree.C.pk, "code": "341122003000", "name": "新设镇", "kind": "township"}, format="json")
    assert resp.status_code == 201
    assert Center.objects.filter(township_id=resp.json()["id"]).count() == 4
