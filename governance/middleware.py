from django.conf import settings
from django.utils import translation


class PortalLocaleMiddleware:
    """Chinese unless the user chose otherwise with the language switch (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a township office PC
    with an English Windows would get English pages nobody asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # override(), not activate(): the thread's language goes back afterwards, so a request in
        # English never leaks into the next one served by the same thread.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NotFoundPageMiddleware:
    """The portal's own error pages — also on the demo server (DEBUG), where Django would otherwise show its
    technical pages: a mistyped address listed every URL of the portal, a crash showed code and settings.
    An object outside the user's scope and an unknown address look the same ("not found"); 403 and 500 get
    friendly pages in the user's language (JSON under /api/). A crash is still logged with its traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No route matched: the resolver's 404 never reaches process_exception (DEBUG shows the URL list).
        if (response.status_code == 404 and settings.DEBUG and not getattr(response, "portal_page", False)
                and not response.streaming and "text/html" in response.get("Content-Type", "")):
            return error_page(request, 404)
        return response

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404):
            return error_page(request, 404)
        if isinstance(exception, PermissionDenied) and not request.path.startswith("/api/"):
            return error_page(request, 403, str(exception) or None)
        if settings.DEBUG and not getattr(settings, "TECHNICAL_ERROR_PAGES", False) and not isinstance(
                exception, PermissionDenied):
            import logging

            logging.getLogger("django.request").exception("Internal Server Error: %s", request.path)
            return error_page(request, 500)
        return None


def error_page(request, status: int, message: str | None = None):
    """The friendly page for `status` in the caller's language and format."""
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    default = {404: _("对象不存在或不在您的管辖范围内。"), 403: _("您的角色无权执行此操作。"),
               500: _("系统出现错误，已记录。请稍后重试；如果问题持续，请联系系统管理员。")}[status]
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message or str(default)}, status=status)
    else:
        response = render(request, f"{status}.html", {"message": message or default}, status=status)
    response.portal_page = True
    return response


def server_error(request):
    """handler500 (DEBUG off): the friendly page, without a template context that could fail again."""
    return error_page(request, 500)


def permission_denied(request, exception=None):
    return error_page(request, 403, str(exception) if exception and str(exception) else None)


SESSION_KEY = "must_change_password"


def mark_must_change_password(sender, request, user, **kwargs):
    """user_logged_in: remember in the session whether this account must change its password first."""
    from .models import AccountProfile

    if AccountProfile.objects.filter(user_id=user.pk, must_change_password=True).exists():
        request.session[SESSION_KEY] = True


class MustChangePasswordMiddleware:
    """An account whose password was set for it (a new account, an import, a reset by the level above) changes it
    before anything else: pages redirect to the password change, the API answers 403 (issue #18; the flag is
    `AccountProfile.must_change_password`, cleared by any password change — tokens.RevokeTokensOnPasswordChange)."""

    ALLOWED = ("password_change", "logout", "set_password", "set_language", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in self.ALLOWED:
            return None
        if request.path.startswith((settings.STATIC_URL or "/static/", "/i18n/")):
            return None
        # set at sign-in (mark_must_change_password): no query on an ordinary request. A reset by the level above
        # changes the password hash, which ends the user's sessions, so the next sign-in sets it again.
        if not request.session.get(SESSION_KEY):
            return None
        from .models import AccountProfile

        if not AccountProfile.objects.filter(user_id=user.pk, must_change_password=True).exists():
            del request.session[SESSION_KEY]  # changed meanwhile
            return None
        if request.path.startswith("/api/"):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            return JsonResponse({"detail": _("请先修改初始密码（登录网页修改）。")}, status=403)
        from django.shortcuts import redirect

        return redirect("password_change")
