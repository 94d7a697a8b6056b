"""API tokens: issued with a lifetime, shown once, stored only as a keyed hash, revoked by their owner,
by logging out with them, or by any password change.

The key is `secrets.token_urlsafe(32)`; the database keeps HMAC-SHA256(SECRET_KEY, key), so a reader
of the database (or of a backup) holds nothing that authenticates. Rotating SECRET_KEY therefore
invalidates every token, which is what a rotation is for.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import ApiToken
from .scoping import get_for_update

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token: no write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenInvalid(Exception):
    """The key names no usable token; the message says why, in the user's language."""


def hash_key(key: str) -> str:
    return salted_hmac("governance.tokens.ApiToken", key, algorithm="sha256").hexdigest()


def lifetime() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS)


# --- Reads -----------------------------------------------------------------------------------

def api_token_list(*, user):
    """The caller's own tokens that still work, newest first. Owner only, also for a superuser:
    nobody lists or revokes another person's tokens (404)."""
    return (ApiToken.objects.restrict(user, "view")
            .filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()))


def token_authenticate(key: str) -> tuple:
    """-> (user, token) for a key that is current, or TokenInvalid. Touches last_used_at at most once
    a minute (a conditional UPDATE, so concurrent requests write it once)."""
    token = ApiToken.objects.select_related("user", "user__profile").filter(key_hash=hash_key(key)).first()
    if token is None:
        raise TokenInvalid(_("令牌无效。"))
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenInvalid(_("令牌已被撤销，请重新获取。"))
    if token.expires_at <= now:
        raise TokenInvalid(_("令牌已过期，请重新获取。"))
    if not token.user.is_active:
        raise TokenInvalid(_("该账号已停用。"))
    profile = getattr(token.user, "profile", None)  # joined above: no query of its own
    if profile is not None and profile.must_change_password:
        raise TokenInvalid(_("请先修改初始密码（登录网页修改）。"))
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


# --- Writes ----------------------------------------------------------------------------------

@transaction.atomic
def api_token_create(*, actor, name: str = "") -> tuple[ApiToken, str]:
    """-> (token, key). The key exists only in this return value: show it once."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(user=actor, name=(name or "").strip()[:100], key_hash=hash_key(key),
                                    prefix=key[:PREFIX_LENGTH], created_at=now, expires_at=now + lifetime())
    audit_record(actor=actor, action="api_token.created", obj=token)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token_id: int, reason: str = "") -> ApiToken:
    """Revoke one of the actor's own tokens (404 for anyone else's). Revoking twice changes nothing."""
    token = get_for_update(ApiToken, actor, token_id, "change")
    if token.user_id != actor.pk:  # a superuser is unrestricted by scope, not by ownership here
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", obj=token, reason=reason)
    return token


def api_tokens_revoke_all(*, user, reason: str) -> int:
    """Every current token of `user` stops working (a password change). One UPDATE."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).update(
        revoked_at=timezone.now())
    if count:
        audit_record(actor=user, action="api_token.revoked_all", reason=reason, data={"count": count})
    return count


class RevokeTokensOnPasswordChange:
    """Django calls `password_changed()` on every configured password validator after any
    `set_password()` + `save()` — the password-change page, the admin, `manage.py changepassword` —
    so this one hook covers every path that changes a password. It validates nothing."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk:
            api_tokens_revoke_all(user=user, reason=_("修改密码"))
            # the owner chose a password of their own: the first-sign-in change (issue #18) is done
            from .models import AccountProfile

            AccountProfile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)

    def get_help_text(self):
        return _("修改密码后，您的全部 API 令牌将立即失效。")
