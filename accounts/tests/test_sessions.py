"""Idle timeout and the concurrent-session limit (issue #18)."""
import time

import pytest
from django.test import Client

from accounts import sessions
from accounts.models import LoginEvent, UserSession
from governance.tests.test_tokens import obtain, with_token

pytestmark = pytest.mark.django_db


def sign_in(username, ip="10.0.0.1", agent="Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36"):
    c = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    resp = c.post("/accounts/login/", {"username": username, "password": "pw-test-1234"})
    assert resp.status_code == 302, resp.content.decode()[:500]
    return c


def age(client, seconds):
    session = client.session
    session[sessions.SEEN] = time.time() - seconds
    session.save()


def test_an_idle_session_is_signed_out_and_lands_on_login_with_a_message(personas, settings):
    c = sign_in("village_secretary_a1")
    assert c.get("/residents/").status_code == 200
    age(c, 31 * 60)
    resp = c.get("/residents/?q=x")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/?next=/residents/%3Fq%3Dx"
    page = c.get(resp["Location"])
    assert "30 分钟未操作" in page.content.decode()
    assert c.get("/residents/")["Location"].startswith("/accounts/login/")  # signed out, not just redirected once


def test_activity_keeps_the_session_alive(personas, settings):
    c = sign_in("village_secretary_a1")
    age(c, 29 * 60)
    assert c.get("/residents/").status_code == 200  # the clock restarts
    assert time.time() - c.session[sessions.SEEN] < 5


def test_what_the_browser_fetches_by_itself_is_not_activity(personas, settings):
    """The service worker's update check and the app manifest come from an open tab, not from the person."""
    c = sign_in("village_secretary_a1")
    age(c, 29 * 60)
    assert c.get("/sw.js").status_code == 200 and c.get("/manifest.webmanifest").status_code == 200
    assert time.time() - c.session[sessions.SEEN] > 28 * 60
    age(c, 31 * 60)
    c.get("/sw.js")
    assert c.get("/residents/")["Location"].startswith("/accounts/login/")


def test_the_timeout_is_configurable_and_zero_is_off(personas, settings):
    settings.SESSION_IDLE_TIMEOUT = 5
    c = sign_in("village_secretary_a1")
    age(c, 6 * 60)
    assert c.get("/residents/").status_code == 302
    settings.SESSION_IDLE_TIMEOUT = 0
    c = sign_in("village_secretary_a1")
    age(c, 24 * 3600)
    assert c.get("/residents/").status_code == 200


def test_api_tokens_are_not_affected_by_the_idle_timeout(personas, settings):
    settings.SESSION_IDLE_TIMEOUT = 0.001
    key = obtain("township_staff_a")["token"]
    time.sleep(0.2)
    assert with_token(key).get("/api/v1/me/").status_code == 200


def test_a_fourth_sign_in_ends_the_oldest_session(personas, settings):
    settings.SESSION_MAX_CONCURRENT = 3
    clients = [sign_in("township_staff_a", ip=f"10.0.0.{n}") for n in range(1, 5)]
    assert UserSession.objects.filter(user=personas.township_staff_a).count() == 3
    assert clients[0].get("/residents/")["Location"].startswith("/accounts/login/")
    for c in clients[1:]:
        assert c.get("/residents/").status_code == 200
    ended = LoginEvent.objects.get(user=personas.township_staff_a, kind=LoginEvent.Kind.ENDED)
    assert ended.ip_address == "10.0.0.1"
    assert sign_in("township_head_a").get("/residents/").status_code == 200  # other users are not counted


def test_a_password_change_keeps_the_session_counted(personas, settings):
    settings.SESSION_MAX_CONCURRENT = 1
    c = sign_in("township_staff_a")
    resp = c.post("/accounts/password/", {"old_password": "pw-test-1234", "new_password1": "Qingshi-2027-new",
                                          "new_password2": "Qingshi-2027-new"})
    assert resp.status_code == 302
    row = UserSession.objects.get(user=personas.township_staff_a)
    assert row.session_key == c.session.session_key  # the cycled key followed
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/accounts/login/", {"username": "township_staff_a", "password": "Qingshi-2027-new"}).status_code == 302
    assert c.get("/residents/")["Location"].startswith("/accounts/login/")


def test_signing_out_forgets_the_session(personas):
    c = sign_in("township_staff_a")
    assert UserSession.objects.filter(user=personas.township_staff_a).count() == 1
    c.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=personas.township_staff_a).exists()
    assert LoginEvent.objects.filter(user=personas.township_staff_a, kind=LoginEvent.Kind.LOGOUT).exists()
