"""Personal data: resident ID numbers (GB 11643) and mobile phones.

Stored encrypted (Fernet, key derived from settings.PII_KEY), found through a keyed hash (HMAC-SHA256,
a second key derived from the same secret), and shown masked everywhere. The full value leaves this
module only through `decrypt`, which the audited reveal action calls.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "M" / "F": the 17th digit, odd for men


def parse_id_number(raw: str) -> IdNumber:
    """Validate an 18-character resident ID number; say exactly what is wrong."""
    value = (raw or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("身份证号应为18位，当前为%(n)d位。"), code="id_length", params={"n": len(value)}
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("身份证号前17位须为数字，末位为数字或X。"), code="id_chars")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期 %(d)s 不是有效日期。"), code="id_date", params={"d": value[6:14]})
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("身份证号中的出生日期 %(d)s 不在合理范围内。"), code="id_date", params={"d": value[6:14]})
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误：末位应为 %(c)s。"), code="id_checksum", params={"c": expected}
        )
    return IdNumber(value=value, birth_date=birth, gender="M" if int(value[16]) % 2 else "F")


def validate_id_number(raw: str) -> None:
    parse_id_number(raw)


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s-]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    if not MOBILE_RE.match(value):
        raise ValidationError(_("手机号应为11位中国大陆手机号码，以1开头。"), code="phone")
    return value


def mask_id(value: str) -> str:
    return f"{value[:4]}{'*' * 10}{value[-4:]}" if value else ""


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if value else ""


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    enc = hmac.new(secret.encode(), b"governance/pii/encrypt", hashlib.sha256).digest()
    mac = hmac.new(secret.encode(), b"governance/pii/hash", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def encrypt(value: str) -> str:
    return _keys(settings.PII_KEY)[0].encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys(settings.PII_KEY)[0].decrypt(token.encode()).decode()
    except InvalidToken:  # a key rotation gone wrong must not crash a page
        return ""


def keyed_hash(value: str) -> str:
    return hmac.new(_keys(settings.PII_KEY)[1], value.encode(), hashlib.sha256).hexdigest() if value else ""


# 18-digit IDs and 11-digit mobiles anywhere in free text (a log line, a public description) are masked,
# also as people type them: grouped by spaces or dashes, with +86/0086, in full-width digits (a Chinese IME).
_SEP = r"[ \-\u3000\uff0d]?"
_ID_IN_TEXT = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{16}}{_SEP}[\dXx\uff38\uff58](?![\dXx\uff38\uff58])")
_PHONE_IN_TEXT = re.compile(rf"(?<!\d)((?:(?:\+|\uff0b|00)?86{_SEP})?)[1\uff11]{_SEP}[3-9\uff13-\uff19](?:{_SEP}\d){{9}}(?!\d)")
_NOT_DIGIT = re.compile(r"[^\dXx\uff38\uff58]")


def scrub(text: str) -> str:
    def id_mask(m):
        digits = _NOT_DIGIT.sub("", m.group(0))
        return f"{digits[:4]}{'*' * 10}{digits[-4:]}"

    def phone_mask(m):
        digits = _NOT_DIGIT.sub("", m.group(0)[len(m.group(1)):])
        return f"{m.group(1)}{digits[:3]}****{digits[-4:]}"

    return _PHONE_IN_TEXT.sub(phone_mask, _ID_IN_TEXT.sub(id_mask, text))


class MaskPIIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call is not ours to fix here
            return True
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True
