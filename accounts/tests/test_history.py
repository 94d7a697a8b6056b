"""The login history the user reads, and the lockout after failed attempts (issue #18)."""
import pytest
from django.test import Client

from accounts.models import LoginEvent

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"


def attempt(username, password, ip="10.0.0.1", agent=CHROME):
    c = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    return c, c.post("/accounts/login/", {"username": username, "password": password})


def test_every_attempt_is_recorded_without_the_password(personas):
    attempt("township_staff_a", "wrong-Secret-1")
    c, resp = attempt("township_staff_a", "pw-test-1234", ip="10.0.0.2")
    assert resp.status_code == 302
    rows = list(LoginEvent.objects.filter(username="township_staff_a").order_by("at", "id"))
    assert [r.kind for r in rows] == ["failure", "success"]
    assert rows[1].ip_address == "10.0.0.2" and rows[1].user_agent == "Chrome 120 · Windows"
    assert rows[0].user == personas.township_staff_a
    for r in rows:
        assert "wrong-Secret-1" not in str(vars(r)) and "pw-test-1234" not in str(vars(r))


def test_the_next_sign_in_says_when_and_where_the_last_one_was(personas):
    attempt("township_staff_a", "pw-test-1234", ip="10.0.0.7")
    c, resp = attempt("township_staff_a", "pw-test-1234", ip="10.0.0.8")
    home = c.get(resp["Location"]).content.decode()
    assert "上次登录：" in home and "10.0.0.7" in home and "Chrome 120 · Windows" in home


def test_failed_attempts_since_the_last_sign_in_are_mentioned(personas):
    attempt("township_staff_a", "pw-test-1234", ip="10.0.0.7")
    attempt("township_staff_a", "bad-Password-1", ip="10.6.6.6")
    attempt("township_staff_a", "bad-Password-2", ip="10.6.6.6")
    c, resp = attempt("township_staff_a", "pw-test-1234", ip="10.0.0.8")
    assert "此后有 2 次登录失败" in c.get(resp["Location"]).content.decode()


def test_my_account_lists_my_sign_ins_and_not_anyone_elses(personas):
    attempt("township_staff_a", "pw-test-1234", ip="10.0.0.7")
    attempt("township_head_a", "pw-test-1234", ip="10.9.9.9")
    attempt("township_staff_a", "bad-Password-1", ip="10.0.0.6")
    c, _ = attempt("township_staff_a", "pw-test-1234", ip="10.0.0.8")
    page = c.get("/accounts/me/").content.decode()
    assert "10.0.0.7" in page and "10.0.0.8" in page and "10.0.0.6" in page and "登录失败" in page
    assert "10.9.9.9" not in page


def test_five_failures_lock_for_the_configured_minutes_with_a_chinese_message(personas, settings):
    for _ in range(5):
        attempt("township_staff_a", "wrong-Secret-1")
    c, locked = attempt("township_staff_a", "pw-test-1234")
    assert locked.status_code == 429
    assert "请15分钟后再试" in locked.content.decode()
    assert not LoginEvent.objects.filter(username="township_staff_a", kind="success").exists()


def test_failures_of_an_unknown_name_are_kept_without_a_user(db):
    attempt("nobody-here", "x")
    row = LoginEvent.objects.get(username="nobody-here")
    assert row.user is None and row.kind == "failure"
