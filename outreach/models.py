"""The transactional outbox: one Notice per notify() call, one Delivery per recipient and channel."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Region, Resident
from governance.scoping import COUNTY, MANAGERS, VILLAGE_OFFICE, RestrictedManager, ScopeSpec

OFFICES = MANAGERS | VILLAGE_OFFICE


class Notice(models.Model):
    event = models.CharField(_("事件"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("发送人"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("区域"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="region", roles={"view": OFFICES}, owner="sender", owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("通知发送")
        verbose_name_plural = _("通知发送")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:notice_detail", args=[self.pk])


class Delivery(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("站内")
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已送达网关")
        FAILED = "failed", _("发送失败")
        UNDELIVERABLE = "undeliverable", _("无法投递")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("通知"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("接收账号"))
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("接收居民"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("状态"), max_length=15, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)  # a claim a dead worker gives up
    last_error = models.CharField(_("原因"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    # A one-time text only this delivery carries (a sign-in code), encrypted; erased once the delivery settles.
    secret = models.TextField(blank=True, editable=False)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region="notice__region", roles={"view": OFFICES}, owner="notice__sender",
                           owner_actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user", "channel"], condition=models.Q(resident__isnull=True),
                                    name="delivery_once_per_user_channel"),
            models.UniqueConstraint(fields=["notice", "resident", "channel"],
                                    condition=models.Q(resident__isnull=False),
                                    name="delivery_once_per_resident_channel"),
            models.CheckConstraint(condition=models.Q(user__isnull=False) | models.Q(resident__isnull=False),
                                   name="delivery_has_recipient"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"


class LocalMessage(models.Model):
    """What the embedded default 'sends': SMS and e-mail land here for the demo admin to read."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Delivery.Channel.choices)
    message_id = models.CharField(_("消息编号"), max_length=100, unique=True)
    to = models.CharField(_("接收人"), max_length=200)  # masked
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": COUNTY})

    class Meta:
        verbose_name = _("本地发件箱")
        verbose_name_plural = _("本地发件箱")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject or self.text[:40]


class SignInCode(models.Model):
    """One request for an SMS sign-in code (issue #19): the number and the code only as keyed hashes, a few
    minutes of life, one use, a few wrong tries. A number nobody registered gets a row too (and no SMS), so the
    page and the rate limits answer the same whether the number is known or not."""

    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, editable=False)
    code_hash = models.CharField(max_length=100, editable=False)  # "salt$hmac": never the code itself
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True, db_index=True)
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("居民"))
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("投递"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    failures = models.PositiveSmallIntegerField(_("输错次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    objects = RestrictedManager()
    scope_spec = ScopeSpec(region=None, roles={"view": COUNTY})

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone_masked} #{self.pk}"


class NoticePreference(models.Model):
    """The channels a person chose for one kind of notice (issue #19; the kinds: messages.KINDS). No row for a
    kind: every channel, as before. A kind of legal weight goes by SMS to the registered phone whatever is here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("账号"))
    event = models.CharField(_("通知类别"), max_length=60)
    channels = models.JSONField(_("接收渠道"), default=list)  # Delivery.Channel values
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    # one's own settings, and nobody else's
    scope_spec = ScopeSpec(region=None, roles={}, owner="user", owner_actions=frozenset({"view", "change"}))

    class Meta:
        verbose_name = _("通知接收设置")
        verbose_name_plural = _("通知接收设置")
        ordering = ["user", "event"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notice_preference_once_per_kind")]

    def __str__(self) -> str:
        from .messages import KINDS

        kind = KINDS.get(self.event)
        return str(kind.label) if kind else self.event
