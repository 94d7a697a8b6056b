"""The sign-in policy in one place (issue #18): who needs a second factor, when a password has expired,
the client's address and a short name for their device. Settings are read on each call (tests override them)."""
from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from governance.scoping import Role, user_roles

# County- and township-level roles and the three administrators (三员分立) sign in with a second factor.
OTP_ROLES = frozenset({
    Role.COUNTY_ADMIN, Role.DEPARTMENT_STAFF, Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF,
    Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN,
})


def otp_required_for(user) -> bool:
    """Whether this user must pass the second factor before any page: their role demands it (when
    OTP_REQUIRED is on), or they enrolled a device themselves (then always)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.OTP_REQUIRED:
        if user.is_superuser:
            return True
        # The roles read through the scoping's own loader, on a copy: the caller's user object keeps no cache
        # of them from sign-in (a test or a request may change the assignments afterwards).
        from django.contrib.auth import get_user_model

        if user_roles(get_user_model()(pk=user.pk, is_active=True)) & OTP_ROLES:
            return True
    return has_confirmed_totp(user)


def has_confirmed_totp(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def password_set_at(user):
    """When the current password was set: its history row, or the account's creation for one set before
    the history existed."""
    from .models import PasswordHistory

    latest = PasswordHistory.objects.filter(user=user).values_list("created_at", flat=True).first()
    return latest or user.date_joined


def password_expired(user) -> bool:
    days = settings.PASSWORD_EXPIRY_DAYS
    if not days or not user.has_usable_password():
        return False
    return password_set_at(user) <= timezone.now() - timedelta(days=days)


def client_ip(request) -> str | None:
    """The client's address as django-axes reads it (behind TRUSTED_PROXY_COUNT proxies)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


_BROWSERS = [("Edg/", "Edge"), ("MicroMessenger", "微信"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari")]
_SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux")]


def short_agent(request) -> str:
    """"Chrome 120 · Windows" from the User-Agent header; the raw header (cut to 200) when unknown."""
    raw = (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:1000]
    browser = next((name for marker, name in _BROWSERS if marker in raw), "")
    if browser:
        marker = next(m for m, n in _BROWSERS if n == browser)
        version = re.search(re.escape(marker) + r"(\d+)", raw) if marker.endswith("/") else None
        browser = f"{browser} {version.group(1)}" if version else browser
    system = next((name for marker, name in _SYSTEMS if marker in raw), "")
    short = " · ".join(part for part in (browser, system) if part)
    return short or raw[:200]
