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
    """An object outside the user's scope shows the portal's own "not found" page, also on the
    demo server (DEBUG), where Django would otherwise show its technical page with every URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404):
            from .views import not_found

            return not_found(request, exception)
        return None
