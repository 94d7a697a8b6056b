"""Sign-in records (issue #18): the password history, the signed-in sessions, the login history."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """One row per password set, however it was set (form, admin, changepassword, set_password + save):
    the hash only, to refuse reusing one of the last PASSWORD_HISTORY_COUNT and to date the current one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history",
                             verbose_name=_("用户"))
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]


class UserSession(models.Model):
    """A signed-in web session of a user: the oldest are ended when a new sign-in passes SESSION_MAX_CONCURRENT."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions",
                             verbose_name=_("用户"))
    session_key = models.CharField(_("会话标识"), max_length=40, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("设备"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-created_at", "-id"]


class LoginEvent(models.Model):
    """A sign-in attempt (never the password): what the user reads as 上次登录 and the failed attempts."""

    class Kind(models.TextChoices):
        SUCCESS = "success", _("登录成功")
        FAILURE = "failure", _("登录失败")
        LOGOUT = "logout", _("退出登录")
        ENDED = "ended", _("会话被结束")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="login_events", verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("设备"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="login_event_user_at")]
