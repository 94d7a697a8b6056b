"""The idle timeout and the second factor, enforced in real Chromium (issue #18)."""
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.mark.browser
def test_an_idle_session_lands_on_the_login_page_at_the_next_click(page, personas, settings):
    settings.SESSION_IDLE_TIMEOUT = 0.05  # three seconds
    page.login("village_secretary_a1")
    page.goto("/residents/")
    assert "/accounts/login/" not in page.url
    time.sleep(4)
    page.click("a.navbar-brand")  # the next click, after the idle time
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "分钟未操作" in page.content()
    assert not page.external_requests


@pytest.mark.browser
def test_a_township_user_needs_the_totp_code_after_the_password(page, personas, settings):
    settings.OTP_REQUIRED = True
    user = personas.township_staff_a
    device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    page.login("township_staff_a")
    assert "/accounts/otp/verify/" in page.url  # the password alone does not reach the workbench
    page.goto("/residents/")
    assert "/accounts/otp/verify/" in page.url
    page.fill("#id_code", "000000" if TOTP(device.bin_key).token() != 0 else "111111")
    page.click("#otp-verify-form button[type=submit]")
    page.wait_for_load_state()
    assert "动态口令不正确" in page.content()
    time.sleep(1.1)  # django-otp's throttle after a wrong code
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_code", f"{totp.token():06d}")
    page.click("#otp-verify-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/otp/" not in page.url and "/accounts/login/" not in page.url
    page.goto("/residents/")
    assert "/residents/" in page.url
    assert not page.external_requests


@pytest.mark.browser
def test_a_township_user_without_a_device_enrols_from_the_qr_page(page, personas, settings):
    settings.OTP_REQUIRED = True
    page.login("township_head_a")
    assert "/accounts/otp/setup/" in page.url
    assert page.locator("#otp-qr svg path").count() == 1
    device = TOTPDevice.objects.get(user=personas.township_head_a, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_code", f"{totp.token():06d}")
    page.click("#otp-setup-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#recovery-codes code").count() == 10
    page.click("text=我已保存，继续")
    page.wait_for_load_state()
    assert "/accounts/otp/" not in page.url
    assert not page.console_errors and not page.external_requests
