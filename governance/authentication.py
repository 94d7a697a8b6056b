"""The API's token authentication: `Authorization: Token <key>`, as DRF's TokenAuthentication reads it,
against the hashed, expiring, revocable ApiToken (governance.tokens)."""
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # no token: the next class (the session) decides
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为“Token 令牌”。"))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        try:
            return tokens.token_authenticate(key)
        except tokens.TokenInvalid as exc:
            raise exceptions.AuthenticationFailed(str(exc))

    def authenticate_header(self, request):
        # Named first in REST_FRAMEWORK: an unauthenticated call answers 401 with this challenge.
        return self.keyword


from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: E402
from drf_spectacular.plumbing import build_bearer_security_scheme_object  # noqa: E402


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema (and Swagger UI's "Authorize") names the same header DRF's token scheme did."""

    target_class = "governance.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
