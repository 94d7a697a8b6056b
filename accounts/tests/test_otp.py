"""The second factor (issue #18): who must use it, enrolment with a QR code and recovery codes, verification."""
import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import actions, policy
from governance.models import AuditEntry
from governance.tests.test_tokens import obtain, with_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def otp_on(settings):
    settings.OTP_REQUIRED = True


def sign_in(username):
    c = Client(REMOTE_ADDR="10.0.0.1")
    assert c.post("/accounts/login/", {"username": username, "password": "pw-test-1234"}).status_code == 302
    return c


def code_for(device, drift=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(user):
    device = actions.totp_device_start(actor=user)
    _, codes = actions.totp_device_confirm(actor=user, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def test_county_township_and_the_three_administrators_need_it_and_villages_do_not(personas, tree):
    from governance.scoping import Role
    from governance.tests.fixtures import make_user

    need = [personas.county_admin, personas.township_head_a, personas.township_staff_a,
            make_user("sysadmin", Role.SYSTEM_ADMIN, tree.C), make_user("secadmin", Role.SECURITY_ADMIN, tree.C),
            make_user("auditadmin", Role.AUDIT_ADMIN, tree.C)]
    free = [personas.village_secretary_a1, personas.grid_leader_a1, personas.resident_a1, personas.unit_staff_a]
    assert all(policy.otp_required_for(u) for u in need)
    assert not any(policy.otp_required_for(u) for u in free)


def test_a_township_user_without_a_device_can_reach_only_enrolment_and_logout(personas):
    c = sign_in("township_staff_a")
    for url in ("/", "/residents/", "/accounts/me/", "/accounts/tokens/", "/admin/"):
        resp = c.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/otp/setup/"), url
    assert c.get("/api/v1/me/").status_code == 403  # the session cannot use the API either
    page = c.get("/accounts/otp/setup/")
    assert page.status_code == 200
    body = page.content.decode()
    svg = re.search(r'<div[^>]*id="otp-qr".*?(<svg.*?</svg>)', body, re.S).group(1)
    assert "<path" in svg and "href" not in svg and "src=" not in svg  # drawn inline, nothing fetched
    assert c.post("/accounts/logout/").status_code == 302


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(personas):
    c = sign_in("township_staff_a")
    c.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=personas.township_staff_a, confirmed=False)
    bad = c.post("/accounts/otp/setup/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert bad.status_code == 400 and "动态口令不正确" in bad.content.decode()
    resp = c.post("/accounts/otp/setup/", {"code": code_for(device), "next": "/residents/"})
    assert resp.status_code == 200
    shown = re.findall(r'<code class="user-select-all">(\w+)</code>', resp.content.decode())
    assert len(shown) == 10
    assert set(shown) == set(StaticToken.objects.filter(device__user=personas.township_staff_a).values_list("token", flat=True))
    assert c.get("/residents/").status_code == 200  # verified in this session
    assert all(code not in c.get("/accounts/me/").content.decode() for code in shown)  # never shown again
    assert AuditEntry.objects.filter(action="account.otp_enrolled", actor=personas.township_staff_a).exists()


def test_after_sign_in_the_password_alone_does_not_reach_the_workbench(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp waits 1 s after a wrong code; not this test's subject
    device, _ = enrol(personas.township_head_a)
    c = sign_in("township_head_a")
    resp = c.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/otp/verify/")
    assert c.post("/accounts/otp/verify/", {"code": "12345"}).status_code == 400
    ok = c.post("/accounts/otp/verify/", {"code": code_for(device, drift=1), "next": "/residents/"})
    assert ok.status_code == 302 and ok["Location"] == "/residents/"
    assert c.get("/").status_code == 200


def test_a_recovery_code_works_once(personas):
    _, codes = enrol(personas.township_head_a)
    c = sign_in("township_head_a")
    assert c.post("/accounts/otp/verify/", {"code": codes[0]}).status_code == 302
    assert c.get("/").status_code == 200
    again = sign_in("township_head_a")
    assert again.post("/accounts/otp/verify/", {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=personas.township_head_a).count() == 9


def test_regenerating_recovery_codes_ends_the_old_ones(personas):
    device, codes = enrol(personas.township_head_a)
    c = sign_in("township_head_a")
    c.post("/accounts/otp/verify/", {"code": code_for(device, drift=1)})  # the confirming code is spent
    resp = c.post("/accounts/otp/recovery-codes/")
    fresh = re.findall(r'<code class="user-select-all">(\w+)</code>', resp.content.decode())
    assert len(fresh) == 10 and not set(fresh) & set(codes)


def test_re_enrolling_needs_the_current_device_first(personas):
    enrol(personas.township_head_a)
    c = sign_in("township_head_a")
    resp = c.get("/accounts/otp/setup/")
    assert resp["Location"].startswith("/accounts/otp/verify/")


def test_a_village_user_is_not_asked_unless_they_enrolled(personas):
    c = sign_in("village_secretary_a1")
    assert c.get("/").status_code == 200
    device, _ = enrol(personas.village_secretary_a1)
    c = sign_in("village_secretary_a1")
    assert c.get("/")["Location"].startswith("/accounts/otp/verify/")  # enrolled by choice: always asked


def test_off_by_setting(personas, settings):
    settings.OTP_REQUIRED = False
    assert sign_in("township_staff_a").get("/").status_code == 200


def test_api_tokens_are_unaffected(personas):
    key = obtain("township_staff_a")["token"]
    assert with_token(key).get("/api/v1/me/").status_code == 200
