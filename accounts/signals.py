"""Every sign-in, failed sign-in and sign-out leaves a LoginEvent (never the password); a sign-in starts the
session's records (accounts.sessions) and checks the password's age."""
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from django.contrib import messages

from . import policy, selectors, sessions
from .models import LoginEvent


@receiver(user_logged_in, dispatch_uid="accounts.logged_in")
def on_logged_in(sender, request, user, **kwargs):
    LoginEvent.objects.create(user=user, username=user.get_username(), kind=LoginEvent.Kind.SUCCESS,
                              ip_address=policy.client_ip(request), user_agent=policy.short_agent(request))
    if request is not None and hasattr(request, "session"):
        previous = selectors.last_sign_in(user=user, before_latest=True)
        sessions.session_started(request, user)
        request.session[sessions.OTP_NEEDED] = policy.otp_required_for(user)
        if previous is not None and hasattr(request, "_messages"):
            text = selectors.describe_sign_in(previous)
            failures = selectors.failures_since(user=user, since=previous.at)
            if failures:
                text += _("；此后有 %(n)d 次登录失败，如非本人操作请立即修改密码。") % {"n": failures}
            messages.info(request, text)
        if policy.password_expired(user):
            request.session[sessions.PASSWORD_EXPIRED] = True


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    username = str((credentials or {}).get("username") or "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    LoginEvent.objects.create(user=user, username=username, kind=LoginEvent.Kind.FAILURE,
                              ip_address=policy.client_ip(request), user_agent=policy.short_agent(request))


@receiver(user_logged_out, dispatch_uid="accounts.logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        LoginEvent.objects.create(user=user, username=user.get_username(), kind=LoginEvent.Kind.LOGOUT,
                                  ip_address=policy.client_ip(request), user_agent=policy.short_agent(request))
    if request is not None:
        sessions.session_ended(request)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_created")
def on_user_created(sender, instance, created, **kwargs):
    """create_user() and createsuperuser hash the password without set_password(): the first one is
    remembered here (its date starts the expiry clock)."""
    if created and not kwargs.get("raw"):
        from .validators import remember_password

        remember_password(instance)
