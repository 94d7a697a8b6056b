"""Region tree and people on SQLite: the village secretary's resident list, registering a resident, a reveal."""
from governance.models import AuditEntry, Household, Resident, RoleAssignment

from .helpers import messages_of, page

NEW_ID = "34112219900307005X"  # GB 11643-valid; the demo's generator never makes a 1990-03-07 birth date


def _own_household(username):
    village = RoleAssignment.objects.get(user__username=username).region
    return Household.objects.filter(region__path__startswith=village.path).order_by("pk").first()


def test_the_village_secretary_lists_registers_and_reveals_a_resident(login):
    client = login("village_secretary")
    household = _own_household("village_secretary")
    someone = household.members.order_by("pk").first()

    resp = client.get("/residents/")
    assert resp.status_code == 200
    assert someone.name in page(resp) and someone.id_masked in page(resp)

    resp = client.post(f"/households/{household.pk}/residents/add/", {
        "name": "冒烟测试", "id_number": NEW_ID.lower(), "phone": "13912345678", "region": household.region_id,
        "status": "home", "relation_to_head": "子"}, follow=True)
    assert resp.status_code == 200 and "已登记居民。" in messages_of(resp), resp.context.get("form") and resp.context["form"].errors
    new = Resident.objects.get(name="冒烟测试")
    assert new.id_masked == "3411**********005X" and new.household_id == household.pk

    resp = client.post(f"/residents/{new.pk}/reveal/", {"reason": "冒烟测试核对证件"})
    assert resp.status_code == 200 and NEW_ID in page(resp)
    assert AuditEntry.objects.filter(action="resident.reveal_id", object_id=str(new.pk)).exists()


def test_another_townships_secretary_gets_a_404(login):
    resident = _own_household("village_secretary").members.order_by("pk").first()
    assert login("village_secretary_2").get(f"/residents/{resident.pk}/").status_code == 404


def test_the_api_answers_a_token_holder_with_their_villages_residents_counted_and_masked():
    from django.conf import settings
    from rest_framework.test import APIClient

    village = RoleAssignment.objects.get(user__username="village_secretary").region
    resp = APIClient().post("/api/v1/auth/token/", {"username": "village_secretary",
                                                    "password": settings.DEMO_PASSWORD}, format="json")
    assert resp.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {resp.json()['token']}")
    body = client.get("/api/v1/governance/residents/").json()
    mine = Resident.objects.filter(region__path__startswith=village.path)
    assert body["count"] == mine.count() and body["count_is_estimate"] is False
    assert len(body["results"]) == min(50, mine.count()) and (body["next"] is None) == (mine.count() <= 50)
    assert all("**********" in r["id_number"] for r in body["results"])
