"""Writes of the second factor (issue #18): enrolling a TOTP device and the recovery codes. Each is atomic
and audited (never the secret or a code)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.scoping import home_region_id

RECOVERY_CODES = 10
DEVICE_NAME = "totp"


def _totp():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice


@transaction.atomic
def totp_device_start(*, actor):
    """The device being enrolled: the unconfirmed one kept until confirmed (so reloading the page shows the
    same QR code), made if none."""
    TOTPDevice = _totp()
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, actor, code: str) -> tuple[object, list[str]]:
    """Confirms the device being enrolled with a code from the phone -> (device, the recovery codes, shown
    once). Any earlier confirmed device of the user is replaced."""
    TOTPDevice = _totp()
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("id").first()
    if device is None:
        raise ValidationError({"code": _("请先打开绑定页面扫描二维码。")})
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationError({"code": _("动态口令不正确或已过期，请输入手机上当前显示的6位数字。")})
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="account.otp_enrolled", region_id=home_region_id(actor),
                 data={"recovery_codes": len(codes)})
    return device, codes


def _new_recovery_codes(user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, actor) -> list[str]:
    """New recovery codes (the old ones stop working), for a user with a confirmed device."""
    if not _totp().objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("您还没有绑定手机令牌，无需恢复码。"))
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="account.recovery_codes", region_id=home_region_id(actor),
                 data={"recovery_codes": len(codes)})
    return codes
