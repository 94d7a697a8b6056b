"""API tokens, tested as the attacks they must stop: a stolen token that outlives its day, its owner's
password change, its revocation or its owner's logout; a copy of the database; another user."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance.models import ApiToken
from governance.tokens import api_token_create

PASSWORD = "pw-test-1234"


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(username, **extra):
    resp = APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD, **extra},
                            format="json")
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_it_issues_a_new_key_on_every_obtain_each_working_until_its_expiry(personas):
    first, second = obtain("county_admin", name="台账脚本"), obtain("county_admin")
    assert first["token"] != second["token"]
    for answer in (first, second):
        assert with_token(answer["token"]).get("/api/v1/me/").json()["username"] == "county_admin"
    lifetime = timezone.datetime.fromisoformat(first["expires_at"]) - timezone.now()
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    assert first["name"] == "台账脚本" and first["token"].startswith(first["prefix"])


def test_an_expired_token_is_refused(personas):
    key = obtain("township_staff_a")["token"]
    ApiToken.objects.filter(user=personas.township_staff_a).update(expires_at=timezone.now() - timedelta(seconds=1))
    resp = with_token(key).get("/api/v1/me/")
    assert resp.status_code == 401 and "过期" in resp.json()["detail"]
    assert resp["WWW-Authenticate"] == "Token"


def test_after_a_password_change_the_old_token_is_refused(personas, web):
    key = obtain("township_staff_a")["token"]
    page = web(personas.township_staff_a)
    resp = page.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Qingshi-2027-new",
                                             "new_password2": "Qingshi-2027-new"})
    assert resp.status_code == 302
    refused = with_token(key).get("/api/v1/me/")
    assert refused.status_code == 401 and "撤销" in refused.json()["detail"]
    assert page.get("/").status_code == 200  # the session that changed it stays signed in


def test_a_password_set_anywhere_else_revokes_the_tokens_too(personas):
    """The admin's form and `manage.py changepassword` end in set_password() + save()."""
    key = obtain("township_staff_a")["token"]
    user = personas.township_staff_a
    user.set_password("Qingshi-2027-new")
    user.save()
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_after_logout_with_it_the_token_is_refused(personas):
    key = obtain("township_staff_a")["token"]
    other = obtain("township_staff_a")["token"]
    assert with_token(key).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(key).get("/api/v1/me/").status_code == 401
    assert with_token(other).get("/api/v1/me/").status_code == 200  # only the token that logged out


def test_a_web_logout_leaves_the_users_tokens_alone(personas, web):
    key = obtain("township_staff_a")["token"]
    page = web(personas.township_staff_a)
    assert page.post("/accounts/logout/").status_code == 302
    assert page.get("/").status_code == 302
    assert with_token(key).get("/api/v1/me/").status_code == 200


def test_after_revoke_the_token_is_refused(personas):
    answer = obtain("township_staff_a")
    key, token_id = answer["token"], answer["id"]
    listed = with_token(key).get("/api/v1/auth/tokens/").json()["results"]
    assert [t["id"] for t in listed] == [token_id] and "token" not in listed[0]
    assert with_token(key).post(f"/api/v1/auth/tokens/{token_id}/revoke/").status_code == 200
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_the_database_row_holds_no_usable_key(personas):
    token, key = api_token_create(actor=personas.township_staff_a)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(key in str(value) for value in row.values())
    assert len(row["prefix"]) == 8 and key.startswith(row["prefix"])
    # What a reader of the database (or a backup) could try: the stored values as the key.
    for stolen in (row["key_hash"], row["prefix"]):
        assert with_token(stolen).get("/api/v1/me/").status_code == 401
    assert with_token(key).get("/api/v1/me/").status_code == 200


def test_b_cannot_list_or_revoke_as_token(personas, api, web):
    token, key = api_token_create(actor=personas.township_staff_a)
    b_api = api(personas.township_staff_b)
    assert token.pk not in {t["id"] for t in b_api.get("/api/v1/auth/tokens/").json()["results"]}
    assert b_api.post(f"/api/v1/auth/tokens/{token.pk}/revoke/").status_code == 404
    b_web = web(personas.township_staff_b)
    assert token.prefix not in b_web.get("/accounts/tokens/").content.decode()
    assert b_web.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    # Not even the county, who may see everything else in A's township.
    assert api(personas.county_admin).post(f"/api/v1/auth/tokens/{token.pk}/revoke/").status_code == 404
    assert with_token(key).get("/api/v1/me/").status_code == 200


def test_an_inactive_users_token_is_refused(personas):
    key = obtain("township_staff_a")["token"]
    personas.township_staff_a.is_active = False
    personas.township_staff_a.save(update_fields=["is_active"])
    resp = with_token(key).get("/api/v1/me/")
    assert resp.status_code == 401 and "停用" in resp.json()["detail"]


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token not-a-key"])
def test_a_malformed_or_unknown_token_is_refused_with_401(personas, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    resp = client.get("/api/v1/me/")
    assert resp.status_code == 401 and resp.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(personas):
    token, key = api_token_create(actor=personas.township_staff_a)
    client = with_token(key)
    client.get("/api/v1/me/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == first  # a second call within the minute writes nothing
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_the_page_shows_a_new_key_once_and_revokes_with_a_button(personas, web):
    page = web(personas.township_staff_a)
    created = page.post("/accounts/tokens/new/", {"name": "同步脚本"})
    body = created.content.decode()
    token = ApiToken.objects.get(user=personas.township_staff_a)
    key = body.split('id="new-token-key">')[1].split("<")[0]
    assert key.startswith(token.prefix) and "同步脚本" in body and created["Cache-Control"].startswith("max-age=0")
    assert with_token(key).get("/api/v1/me/").status_code == 200
    listed = page.get("/accounts/tokens/").content.decode()
    assert token.prefix in listed and key not in listed
    assert 'data-confirm="' in listed  # the revoke button asks first (static/governance/portal.js)
    resp = page.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "已撤销" in resp.content.decode() and token.prefix not in resp.content.decode().split('id="token-list"')[1]
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_the_user_menu_links_to_my_tokens(personas, web):
    assert 'href="/accounts/tokens/"' in web(personas.grid_leader_a1).get("/").content.decode()
    # API tokens are for staff integrations: a villager's menu has none (villager mode)
    assert 'href="/accounts/tokens/"' not in web(personas.resident_a1).get("/").content.decode()
