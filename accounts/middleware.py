"""The sign-in policy on every request of a signed-in web session (issue #18), after django-otp's middleware:

1. idle timeout — a session unused for SESSION_IDLE_TIMEOUT minutes is signed out; the next page is the login
   page with a message (the clock lives in the session, written at most every minute: no query per request);
2. second factor — a session whose user needs one (decided at sign-in, accounts.policy) reaches only the OTP
   pages and logout until it is verified; the API answers 403 to it;
3. password expiry — a password older than PASSWORD_EXPIRY_DAYS sends the user to the password change page.

Requests that carry an Authorization header (API tokens) are not sessions: none of this applies to them."""
from __future__ import annotations

import functools
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import policy, sessions

OTP_NEEDED = sessions.OTP_NEEDED
OTP_PAGES = {"accounts:otp_verify", "accounts:otp_setup", "logout", "login", "set_language"}
PASSWORD_PAGES = OTP_PAGES | {"password_change"}
# fetched by the browser itself (the service worker's update check, the app manifest), not by the person:
# they never count as activity, or an open tab would keep an idle session alive
BACKGROUND_PAGES = ("service_worker", "web_manifest")


@functools.cache
def _background_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in BACKGROUND_PAGES)


def _url_name(request) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")


def _to_login(request):
    path = request.get_full_path() if request.method == "GET" else request.path
    return HttpResponseRedirect(f"{reverse('login')}?next={quote(path)}")


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META:
            refused = self.check(request, user)
            if refused is not None:
                return refused
        response = self.get_response(request)
        sessions.follow_key(request)
        return response

    def check(self, request, user):
        session = request.session
        api = request.path.startswith("/api/")
        now = time.time()
        timeout = float(settings.SESSION_IDLE_TIMEOUT) * 60
        seen = session.get(sessions.SEEN)
        if timeout > 0 and seen is not None and now - seen > timeout:
            logout(request)
            if api:
                return None  # now anonymous: the API answers 401/403 itself
            messages.warning(request, _("您已超过 %(n)s 分钟未操作，为保护账号安全已自动退出，请重新登录。")
                             % {"n": f"{settings.SESSION_IDLE_TIMEOUT:g}"})
            return _to_login(request)
        if seen is None or (now - seen > min(60.0, timeout / 4 if timeout > 0 else 60.0)
                            and request.path_info not in _background_paths()):
            session[sessions.SEEN] = now
        needed = session.get(OTP_NEEDED)
        if needed is None:  # a session from before this policy: decided now, once
            needed = session[OTP_NEEDED] = policy.otp_required_for(user)
        if needed and not user.is_verified():
            if api:
                return JsonResponse({"detail": _("请先在网页上完成动态口令验证。")}, status=403)
            if _url_name(request) in OTP_PAGES:
                return None
            target = "accounts:otp_verify" if policy.has_confirmed_totp(user) else "accounts:otp_setup"
            return HttpResponseRedirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        if session.get(sessions.PASSWORD_EXPIRED) and not api:
            if not policy.password_expired(user):
                del session[sessions.PASSWORD_EXPIRED]
            elif _url_name(request) not in PASSWORD_PAGES:
                messages.warning(request, _("您的密码已超过 %(n)d 天未修改，请先修改密码。") % {"n": settings.PASSWORD_EXPIRY_DAYS})
                return HttpResponseRedirect(reverse("password_change"))
        return None
