"""Households and residents as the people who keep them would notice."""
import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from governance.models import AuditEntry, Resident

from .fixtures import make_household, make_resident, valid_id_number


def test_a_village_secretary_registers_a_resident_from_the_household_page(tree, personas, web):
    household = make_household(tree.A1g)
    number = valid_id_number()
    resp = web(personas.village_secretary_a1).post(f"/households/{household.pk}/residents/add/", {
        "name": "王小明", "id_number": number.lower(), "phone": "13912345678", "region": tree.A1g.pk,
        "status": "home", "relation_to_head": "子",
    })
    assert resp.status_code == 302
    r = Resident.objects.get(name="王小明")
    assert r.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert number not in r.id_cipher and r.phone_masked == "139****5678"
    assert AuditEntry.objects.filter(action="resident.create", object_id=str(r.pk)).exists()


def test_a_wrong_check_digit_is_shown_on_the_form_in_chinese_and_nothing_is_saved(tree, personas, web):
    household = make_household(tree.A1g)
    bad = valid_id_number()[:17] + "0"
    bad = bad if bad != valid_id_number() else bad[:17] + "1"
    resp = web(personas.village_secretary_a1).post(f"/households/{household.pk}/residents/add/", {
        "name": "错号", "id_number": bad, "region": tree.A1g.pk, "status": "home"})
    assert resp.status_code == 200 and "校验位错误" in resp.content.decode()
    assert not Resident.objects.filter(name="错号").exists()


def test_an_away_villager_needs_a_current_location(tree, personas, api):
    household = make_household(tree.A1g)
    resp = api(personas.village_secretary_a1).post("/api/v1/governance/residents/", {
        "household": household.pk, "name": "外出者", "id_number": valid_id_number(), "status": "away"}, format="json")
    assert resp.status_code == 400 and "现居地" in resp.json()["away_location"][0]


def test_the_api_refuses_a_bad_id_number_with_a_chinese_message(tree, personas, api):
    household = make_household(tree.A1g)
    resp = api(personas.village_secretary_a1).post("/api/v1/governance/residents/", {
        "household": household.pk, "name": "短号", "id_number": "1234"}, format="json")
    assert resp.status_code == 400
    assert "18位" in resp.json()["id_number"][0]


def test_the_same_id_number_cannot_be_registered_twice(tree, personas, api):
    number = valid_id_number()
    make_resident(tree.A1g, id_number=number)
    household = make_household(tree.A1g)
    resp = api(personas.village_secretary_a1).post("/api/v1/governance/residents/", {
        "household": household.pk, "name": "重复", "id_number": number}, format="json")
    assert resp.status_code == 400 and "已登记" in resp.json()["id_number"][0]


def test_the_api_never_returns_a_full_id_number(tree, personas, api):
    number = valid_id_number()
    make_resident(tree.A1g, id_number=number)
    body = api(personas.county_admin).get("/api/v1/governance/residents/").content.decode()
    assert number not in body and number[:4] + "*" * 10 in body


def test_a_reveal_needs_a_reason_and_is_audited(tree, personas, api):
    number = valid_id_number()
    r = make_resident(tree.A1g, id_number=number)
    client = api(personas.village_assistant_a1)
    assert client.post(f"/api/v1/governance/residents/{r.pk}/reveal/", {}, format="json").status_code == 400
    resp = client.post(f"/api/v1/governance/residents/{r.pk}/reveal/", {"reason": "代办社保核对"}, format="json")
    assert resp.status_code == 200 and resp.json()["id_number"] == number
    entry = AuditEntry.objects.get(action="resident.reveal_id", object_id=str(r.pk))
    assert entry.actor == personas.village_assistant_a1 and entry.reason == "代办社保核对"
    assert number not in str(entry.data) and number not in entry.object_repr


def test_a_grid_leader_may_see_residents_but_not_reveal_their_numbers(tree, personas, api):
    r = make_resident(tree.A1g)
    client = api(personas.grid_leader_a1)
    assert client.get(f"/api/v1/governance/residents/{r.pk}/").status_code == 200
    # They see the person, so the refusal says so (403) — it reveals nothing the detail page does not.
    assert client.post(f"/api/v1/governance/residents/{r.pk}/reveal/", {"reason": "x"}, format="json").status_code == 403


def test_a_resident_sees_only_themselves(tree, personas, api):
    make_resident(tree.A1g, name="邻居")
    names = [row["name"] for row in api(personas.resident_a1).get("/api/v1/governance/residents/").json()["results"]]
    assert names == ["甲村民"]


def test_a_full_id_number_is_looked_up_by_post_and_lands_on_the_persons_page(tree, personas, web):
    number = valid_id_number()
    r = make_resident(tree.A1g, id_number=number, name="要找的人")
    resp = web(personas.village_secretary_a1).post("/residents/lookup/", {"number": number})
    assert resp.status_code == 302 and resp["Location"] == r.get_absolute_url() and number not in resp["Location"]


@pytest.mark.parametrize("rows", [10, 100])
def test_the_resident_list_costs_the_same_queries_at_10_and_100_rows(rows, tree, personas, web, django_assert_max_num_queries):
    household = make_household(tree.A1g)
    for _ in range(rows):
        make_resident(tree.A1g, household=household)
    client = web(personas.township_staff_a)
    client.get("/residents/")  # warm the session
    with django_assert_max_num_queries(12):
        resp = client.get("/residents/")
    assert resp.status_code == 200


@pytest.mark.parametrize("rows", [10, 100])
def test_the_resident_api_costs_the_same_queries_at_10_and_100_rows(rows, tree, personas, api, django_assert_max_num_queries):
    household = make_household(tree.A1g)
    for _ in range(rows):
        make_resident(tree.A1g, household=household)
    client = api(personas.township_staff_a)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/governance/residents/", {"page_size": 200}).status_code == 200


def test_a_township_cannot_move_a_resident_into_another_township(tree, personas, api):
    r = make_resident(tree.A1g)
    resp = api(personas.township_staff_a).patch(f"/api/v1/governance/residents/{r.pk}/", {"region": tree.B1g.pk}, format="json")
    assert resp.status_code == 400 and "region" in resp.json()  # a body reference out of scope: 400 on the field
    r.refresh_from_db()
    assert r.region == tree.A1g


def test_the_region_filter_offers_townships_then_the_chosen_townships_villages(tree, personas, web):
    client = web(personas.county_admin)
    first = client.get("/residents/").content.decode()
    assert ">　甲镇</option>" in first and "甲一村</option>" not in first
    narrowed = client.get("/residents/", {"region": tree.A.pk}).content.decode()
    assert "　　甲一村</option>" in narrowed and "乙一社区</option>" not in narrowed


def test_a_resident_is_picked_by_id_number_only_inside_the_users_scope(tree, personas):
    from django.core.exceptions import ValidationError

    from governance.forms import ResidentLookupField

    ours, theirs = valid_id_number(), valid_id_number()
    mine = make_resident(tree.A1g, id_number=ours)
    make_resident(tree.B1g, id_number=theirs)
    field = ResidentLookupField().for_user(personas.village_assistant_a1)
    assert field.clean(ours.lower()) == mine and field.clean(str(mine.pk)) == mine
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        field.clean(theirs)
    with pytest.raises(ValidationError, match="校验位错误"):
        field.clean(ours[:17] + ("0" if ours[17] != "0" else "1"))
