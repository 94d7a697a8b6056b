"""How one delivery leaves the portal: SMS through the HTTP gateway, e-mail through Django's backend.

A channel either returns (accepted), raises Undeliverable (the address itself is wrong: never retried) or
raises Transient (the gateway or server failed: retried with backoff). The delivery's id is the message id,
so a retry after a worker died mid-send is recognised by the gateway and never doubles a message."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.translation import gettext as _

from governance import pii


class Undeliverable(Exception):
    pass


class Transient(Exception):
    pass


def message_id(delivery_id: int) -> str:
    return f"outreach-{delivery_id}"


def sms_send(*, delivery_id: int, phone: str, text: str) -> None:
    if not pii.MOBILE_RE.match(phone or ""):
        raise Undeliverable(_("手机号无效或未登记"))
    text = f"{settings.SMS_SIGNATURE}{text}"
    if not settings.SMS_GATEWAY_URL:
        from .models import Delivery, LocalMessage

        LocalMessage.objects.get_or_create(message_id=message_id(delivery_id), defaults={
            "channel": Delivery.Channel.SMS, "to": pii.mask_phone(phone), "text": text})
        return
    body = json.dumps({"to": phone, "text": text, "message_id": message_id(delivery_id)}).encode()
    request = urllib.request.Request(settings.SMS_GATEWAY_URL, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
        "Idempotency-Key": message_id(delivery_id)})
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as e:
        if e.code in (400, 422):  # the gateway refuses the number itself
            raise Undeliverable(_("短信网关拒绝该号码（HTTP %(code)s）") % {"code": e.code})
        raise Transient(_("短信网关错误（HTTP %(code)s）") % {"code": e.code})
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise Transient(_("短信网关无响应：%(reason)s") % {"reason": str(reason)[:150]})


def email_send(*, delivery_id: int, address: str, subject: str, text: str) -> None:
    if not address or "@" not in address:
        raise Undeliverable(_("未登记电子邮箱"))
    message = EmailMessage(subject=subject, body=text, to=[address],
                           headers={"Message-ID": f"<{message_id(delivery_id)}@{settings.OUTREACH_MAIL_DOMAIN}>"})
    try:
        message.send()
    except (OSError, Exception) as e:  # smtplib errors derive from OSError; a backend may raise anything
        raise Transient(_("邮件服务器错误：%(reason)s") % {"reason": str(e)[:150]})


class LocalOutboxEmailBackend(BaseEmailBackend):
    """`make run`'s e-mail: into the local outbox page, once per Message-ID."""

    def send_messages(self, messages):
        from .models import Delivery, LocalMessage

        for m in messages:
            mid = str(m.extra_headers.get("Message-ID") or id(m))
            LocalMessage.objects.get_or_create(message_id=mid, defaults={
                "channel": Delivery.Channel.EMAIL, "to": ", ".join(m.to), "subject": m.subject, "text": m.body})
        return len(messages)
