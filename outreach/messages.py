"""Message text per event, in the recipient's language, with personal data masked."""
from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import pii


SIGN_IN_EVENT = "outreach.sign_in_code"
SIGN_IN_TITLE = "登录验证码"  # stored untranslated, like every notice title; rendered in the recipient's language
PORTAL, SMS, EMAIL = "portal", "sms", "email"  # Delivery.Channel's values (models import this module's siblings)


class NoticeKind(NamedTuple):
    label: str
    legal: bool  # carries legal weight: always by SMS to the registered phone, whatever the person chose
    channels: tuple[str, ...]  # the channels this kind can go out by (what the preferences page offers)


# The kinds of notice a person sets channels for (issue #19): the events the apps pass to notify(), and the
# sign-in code. An event not listed here is fanned out as before, whatever anyone chose.
KINDS: dict[str, NoticeKind] = {
    "credit.notice": NoticeKind(gettext_lazy("信用等级评议公示"), True, (PORTAL, SMS, EMAIL)),
    "credit.objection_answer": NoticeKind(gettext_lazy("信用等级异议答复"), True, (PORTAL, SMS, EMAIL)),
    # anonymous and one-time: only ever the SMS to the registered phone (sign_in_code_send)
    SIGN_IN_EVENT: NoticeKind(gettext_lazy("登录验证码"), True, (SMS,)),
}


def forced_channels(event: str) -> set[str]:
    """What a kind always goes out by: the portal notice (governance.notify() writes the bell's Notification
    before the outbox is asked, so its portal delivery is a record of a fact) and, for legal weight, SMS."""
    kind = KINDS[event]
    return {c for c in kind.channels if c == PORTAL or (c == SMS and kind.legal)}


def _templates() -> dict[str, str]:
    return {
        "credit.notice": _("您的信用等级评议已进入公示，如有异议请在公示期内登录门户“我的信用”提出。"),
        "credit.objection_answer": _("您对信用等级评议提出的异议已有答复，请登录门户查看。"),
    }


def language_of(delivery) -> str:
    return getattr(delivery, "language", "") or settings.LANGUAGE_CODE


def render(notice, secret: str = "") -> tuple[str, str]:
    """(subject, text) for a notice. An event with a template speaks in the recipient's language; any other
    notice carries its own title and body. Never a full ID number or phone (pii.scrub). A sign-in code is
    the delivery's own `secret`, never stored in the notice."""
    if notice.event == SIGN_IN_EVENT:
        minutes = int(getattr(settings, "OUTREACH_SIGN_IN_CODE_MINUTES", 5))
        return _("登录验证码"), _("您的登录验证码是%(code)s，%(minutes)d分钟内有效。请勿告诉他人；如非本人操作，请忽略。") % {
            "code": secret, "minutes": minutes}
    text = _templates().get(notice.event) or " ".join(p for p in (notice.title, notice.body) if p)
    subject = _(notice.title) if notice.event in _templates() else notice.title
    return pii.scrub(subject), pii.scrub(text)
