"""What a locked-out login sees: a Chinese page in the browser, a JSON 429 from the API."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))  # hours in settings (LOGIN_LOCKOUT_MINUTES)
    message = _("登录失败次数过多，该账号在此地址已被暂时锁定，请%(n)d分钟后再试，或联系乡镇管理员。") % {"n": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
