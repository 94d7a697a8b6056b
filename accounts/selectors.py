"""Reads of the user's own sign-in records: nobody reads another person's here (the audit administrator's
reading of the audit log is governance's)."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.scoping import scoped_by

from .models import LoginEvent, UserSession

HOW = "the signed-in user's own records (user=request.user)"


def login_event_list(*, user, limit: int = 30):
    return scoped_by(LoginEvent.objects.filter(user=user), user, HOW)[:limit]


def last_sign_in(*, user, before_latest: bool = False):
    """The latest successful sign-in; with before_latest, the one before it (the current session's own is
    the latest once it is recorded)."""
    rows = LoginEvent.objects.filter(user=user, kind=LoginEvent.Kind.SUCCESS).order_by("-at", "-id")
    return rows[1:2].first() if before_latest else rows.first()


def failures_since(*, user, since):
    return LoginEvent.objects.filter(user=user, kind=LoginEvent.Kind.FAILURE, at__gt=since).count()


def session_list(*, user):
    return scoped_by(UserSession.objects.filter(user=user), user, HOW)


def describe_sign_in(event) -> str:
    when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
    return _("上次登录：%(when)s，来自 %(ip)s（%(device)s）") % {
        "when": when, "ip": event.ip_address or _("未知地址"), "device": event.user_agent or _("未知设备")}


def otp_status(*, user) -> dict:
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return {"device": device,
            "recovery_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count()}
