"""The signed-in sessions of a user (issue #18): a row per web sign-in, the oldest ended beyond
SESSION_MAX_CONCURRENT, and the idle clock kept in the session itself (no query per request)."""
from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction

from . import policy
from .models import LoginEvent, UserSession

SID = "accounts.sid"          # the UserSession row of this session
KEY = "accounts.key"          # the session key that row holds (a password change cycles it)
SEEN = "accounts.seen"        # last activity, epoch seconds
PASSWORD_EXPIRED = "accounts.password_expired"
OTP_NEEDED = "accounts.otp_needed"  # decided at sign-in (accounts.policy.otp_required_for)


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_started(request, user) -> None:
    """At sign-in: record the session, start its idle clock, end the oldest beyond the limit."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    row = UserSession.objects.create(user=user, session_key=session.session_key, ip_address=policy.client_ip(request),
                                     user_agent=policy.short_agent(request))
    session[SID], session[KEY], session[SEEN] = row.pk, row.session_key, time.time()
    # Rows of sessions that ran out by themselves (cookie age) without signing out.
    UserSession.objects.filter(user=user, created_at__lt=row.created_at - timedelta(seconds=settings.SESSION_COOKIE_AGE)).delete()
    limit = settings.SESSION_MAX_CONCURRENT
    if limit and limit > 0:
        end_beyond(user, limit)


def end_beyond(user, limit: int) -> int:
    """Ends every session of the user but the newest `limit` (deletes them from the session store)."""
    with transaction.atomic():
        rows = list(UserSession.objects.select_for_update().filter(user=user).order_by("-created_at", "-id"))
        old = rows[limit:]
        if not old:
            return 0
        store = _store()
        for row in old:
            store(row.session_key).delete()
        UserSession.objects.filter(pk__in=[r.pk for r in old]).delete()
        LoginEvent.objects.bulk_create([
            LoginEvent(user=user, username=user.get_username(), kind=LoginEvent.Kind.ENDED, ip_address=r.ip_address,
                       user_agent=r.user_agent) for r in old])
    return len(old)


def session_ended(request) -> None:
    session = getattr(request, "session", None)
    sid = session.get(SID) if session is not None else None
    if sid:
        UserSession.objects.filter(pk=sid).delete()


def follow_key(request) -> None:
    """After the view: a session whose key was cycled (update_session_auth_hash) keeps its row."""
    session = getattr(request, "session", None)
    if session is None or not session.get(SID):
        return
    key = session.session_key
    if key and key != session.get(KEY):
        UserSession.objects.filter(pk=session[SID]).update(session_key=key)
        session[KEY] = key
