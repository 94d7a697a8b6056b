"""我的账号 (login history, sessions, second factor) and the second-factor pages (issue #18)."""
from __future__ import annotations

import base64
import re
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token

from . import actions, policy, selectors
from .forms import CodeForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG, drawn here (no network, no image file)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    svg = qrcode.make(data, image_factory=SvgPathImage, box_size=8, border=2).to_string(encoding="unicode")
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%" height="100%"', svg, count=1)


@never_cache
@login_required
def account(request):
    user = request.user
    set_at = policy.password_set_at(user)
    days = settings.PASSWORD_EXPIRY_DAYS
    return render(request, "accounts/account.html", {
        "title": _("我的账号"),
        "events": selectors.login_event_list(user=user),
        "sessions": selectors.session_list(user=user),
        "current_session": request.session.get("accounts.sid"),
        "otp": selectors.otp_status(user=user),
        "otp_required": policy.otp_required_for(user),
        "password_set_at": set_at,
        "password_expires_at": set_at + timedelta(days=days) if days else None,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT,
        "max_sessions": settings.SESSION_MAX_CONCURRENT,
    })


def _codes_page(request, codes, *, title):
    return render(request, "accounts/recovery_codes.html", {"title": title, "codes": codes, "next": _next(request)})


@never_cache
@login_required
def otp_setup(request):
    user = request.user
    if selectors.otp_status(user=user)["device"] is not None and not user.is_verified():
        # Replacing a device needs the current one first: a stolen password alone must not re-enrol.
        return HttpResponseRedirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_setup')}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = actions.totp_device_confirm(actor=user, code=form.cleaned_data["code"])
        except ValidationError as e:
            form.add_error("code", e.message_dict.get("code", e.messages))
        else:
            otp_login(request, device)
            messages.success(request, _("手机令牌已绑定，以后登录时需要输入动态口令。"))
            return _codes_page(request, codes, title=_("恢复码"))
    device = actions.totp_device_start(actor=user)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp_setup.html", {
        "title": _("绑定手机令牌"), "form": form, "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "next": _next(request),
    }, status=400 if form.is_bound else 200)


@never_cache
@login_required
def otp_verify(request):
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next(request))
    if selectors.otp_status(user=user)["device"] is None:
        return HttpResponseRedirect(f"{reverse('accounts:otp_setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].replace(" ", ""))
        if device is None:
            form.add_error("code", _("动态口令不正确或已过期，请重新输入（也可以输入一个恢复码）。"))
        else:
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                messages.warning(request, _("您使用了一个恢复码，还剩 %(n)d 个。用完之前请在“我的账号”中重新生成。")
                                 % {"n": device.token_set.count()})
            return HttpResponseRedirect(_next(request))
    return render(request, "accounts/otp_verify.html", {"title": _("动态口令验证"), "form": form, "next": _next(request)},
                  status=400 if form.is_bound else 200)


@never_cache
@login_required
def recovery_codes(request):
    if request.method == "POST":
        try:
            codes = actions.recovery_codes_regenerate(actor=request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return HttpResponseRedirect(reverse("accounts:account"))
        return _codes_page(request, codes, title=_("新的恢复码"))
    return render(request, "governance/confirm.html", {
        "title": _("重新生成恢复码"),
        "subject": _("重新生成后，原来的恢复码全部失效。"),
        "submit_label": _("重新生成"),
    })
