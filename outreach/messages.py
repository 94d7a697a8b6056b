"""Message text per event, in the recipient's language, with personal data masked."""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from governance import pii


SIGN_IN_EVENT = "outreach.sign_in_code"
SIGN_IN_TITLE = "登录验证码"  # stored untranslated, like every notice title; rendered in the recipient's language


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
