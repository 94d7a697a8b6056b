"""The password rules (issue #18): length, character classes, no reuse of the last five, expiry."""
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import PasswordHistory
from accounts.validators import CharacterClassValidator, LengthValidator

pytestmark = pytest.mark.django_db


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as e:
        return e.messages
    return []


def test_it_refuses_a_password_shorter_than_the_setting(settings):
    assert any("至少需要 10 个字符" in m for m in messages_for("Ab1-xyz9"))
    settings.PASSWORD_MIN_LENGTH = 14
    assert any("至少需要 14 个字符" in m for m in messages_for("Abcd-1234xyz"))
    LengthValidator().validate("Abcd-1234xyz56")


def test_it_needs_three_of_the_four_character_classes():
    with pytest.raises(ValidationError, match="至少 3 类（现在只有 2 类）"):
        CharacterClassValidator().validate("qingshizhen2027")
    for ok in ("Qingshizhen2027", "qingshi-zhen2027", "QINGSHI-ZHEN-x", "Qingshi-Zhen!"):
        CharacterClassValidator().validate(ok)
    assert messages_for("Qingshi-2027") == []


def test_it_refuses_the_last_five_passwords_and_accepts_the_sixth(personas):
    user = personas.township_staff_a
    used = [f"Qingshi-{n}-2027x" for n in range(6)]
    for password in used:
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5  # the oldest beyond five are dropped
    for recent in used[1:]:
        assert any("最近 5 次" in m for m in messages_for(recent, user)), recent
    assert messages_for(used[0], user) == []  # six passwords ago: allowed again
    assert messages_for("Brand-new-2027", user) == []


def test_the_history_stores_hashes_never_the_password(personas):
    user = personas.township_staff_a
    user.set_password("Qingshi-secret-2027")
    user.save()
    row = PasswordHistory.objects.filter(user=user).first()
    assert row.password == user.password and "Qingshi-secret-2027" not in row.password


def test_the_change_form_shows_the_rules_in_chinese_and_writes_nothing(personas, web):
    page = web(personas.township_staff_a)
    before = personas.township_staff_a.password
    resp = page.post("/accounts/password/", {"old_password": "pw-test-1234", "new_password1": "pw-test-1234",
                                             "new_password2": "pw-test-1234"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "不能使用最近 5 次用过的密码" in body
    personas.township_staff_a.refresh_from_db()
    assert personas.township_staff_a.password == before


def test_an_expired_password_sends_the_user_to_the_change_page_after_sign_in(personas, client, settings):
    user = personas.township_staff_a
    PasswordHistory.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=91))
    resp = client.post("/accounts/login/", {"username": user.username, "password": "pw-test-1234"}, follow=True)
    assert resp.redirect_chain[-1][0] == "/accounts/password/"
    assert "超过 90 天未修改" in resp.content.decode()
    assert client.get("/residents/")["Location"] == "/accounts/password/"
    resp = client.post("/accounts/password/", {"old_password": "pw-test-1234", "new_password1": "Qingshi-2027-new",
                                               "new_password2": "Qingshi-2027-new"})
    assert resp.status_code == 302
    assert client.get("/residents/").status_code == 200


def test_expiry_zero_turns_it_off(personas, client, settings):
    settings.PASSWORD_EXPIRY_DAYS = 0
    user = personas.township_staff_a
    PasswordHistory.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=900))
    resp = client.post("/accounts/login/", {"username": user.username, "password": "pw-test-1234"})
    assert resp["Location"] == "/"
    assert client.get("/residents/").status_code == 200
