from django.test import Client


def test_five_wrong_passwords_lock_that_username_from_that_address_only(personas):
    c = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        c.post("/accounts/login/", {"username": "village_secretary_a1", "password": "wrong"})
    locked = c.post("/accounts/login/", {"username": "village_secretary_a1", "password": "pw-test-1234"})
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    # The rest of the village office, on the same computer, can still log in.
    other = c.post("/accounts/login/", {"username": "village_assistant_a1", "password": "pw-test-1234"})
    assert other.status_code == 302


def test_the_api_gives_a_token_for_good_credentials_and_401_for_bad(personas, api):
    ok = api(None).post("/api/v1/auth/token/", {"username": "county_admin", "password": "pw-test-1234"}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]
    bad = api(None).post("/api/v1/auth/token/", {"username": "county_admin", "password": "nope"}, format="json")
    assert bad.status_code == 401
    me = api(None)
    me.credentials(HTTP_AUTHORIZATION=f"Token {ok.json()['token']}")
    body = me.get("/api/v1/me/").json()
    assert body["username"] == "county_admin" and body["roles"][0]["role"] == "county_admin"
