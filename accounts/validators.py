"""Password rules (issue #18), as Django password validators: length, character classes, no reuse of the
last few. `PasswordHistoryRecorder.password_changed` is Django's hook after any password is set and saved
(forms, admin, `changepassword`, set_password + save), so the history misses no path."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class LengthValidator:
    def __init__(self, min_length: int | None = None):
        self._min_length = min_length

    @property
    def min_length(self) -> int:
        return self._min_length or settings.PASSWORD_MIN_LENGTH

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext("密码太短：至少需要 %(n)d 个字符。", "密码太短：至少需要 %(n)d 个字符。", self.min_length)
                % {"n": self.min_length}, code="password_too_short")

    def get_help_text(self):
        return _("至少 %(n)d 个字符。") % {"n": self.min_length}


CLASSES = (
    ("upper", str.isupper), ("lower", str.islower), ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


class CharacterClassValidator:
    """At least `required` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, required: int = 3):
        self.required = required

    def validate(self, password, user=None):
        present = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if present < self.required:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类（现在只有 %(have)d 类）。")
                % {"n": self.required, "have": present}, code="password_too_simple")

    def get_help_text(self):
        return _("须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.required}


class NoReuseValidator:
    """Refuses the current password and the ones before it, PASSWORD_HISTORY_COUNT in all."""

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        from .models import PasswordHistory

        count = settings.PASSWORD_HISTORY_COUNT
        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
        if user.password and user.password not in hashes:
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(_("不能使用最近 %(n)d 次用过的密码，请换一个新密码。") % {"n": count},
                                  code="password_reused")

    def get_help_text(self):
        return _("不能与最近 %(n)d 次用过的密码相同。") % {"n": settings.PASSWORD_HISTORY_COUNT}

    def password_changed(self, password, user=None):
        """Not a rule: every password set and saved is remembered (accounts.validators.remember_password)."""
        remember_password(user)


def remember_password(user) -> None:
    """Keeps the user's current password hash in the history (once), the oldest beyond the count dropped."""
    if user is None or not getattr(user, "pk", None) or not user.password or not user.has_usable_password():
        return
    from .models import PasswordHistory

    rows = PasswordHistory.objects.filter(user=user)
    if rows.values_list("password", flat=True).first() == user.password:
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = list(rows.values_list("pk", flat=True)[:settings.PASSWORD_HISTORY_COUNT])
    rows.exclude(pk__in=keep).delete()
