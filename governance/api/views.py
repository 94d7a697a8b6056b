"""The core's API: regions, households, residents, roles, the audit log, notifications, the caller's tokens.
Writes are declared with `verb` (references in a body resolved inside the caller's scope by ScopedRef: a 400
on the field otherwise); a PATCH reads the object through the scoped queryset and hands the fields to the
action."""
from django.contrib.auth import authenticate
from django.contrib.auth import logout as django_logout
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import actions, selectors, tokens
from governance.lockout import lockout_response
from governance.filtersets import (
    AccountFilterSet,
    AuditEntryFilterSet,
    HouseholdFilterSet,
    NotificationFilterSet,
    RegionFilterSet,
    ResidentFilterSet,
    RoleAssignmentFilterSet,
)
from governance.models import (AccountProfile, ApiToken, AuditEntry, Household, Notification, Region, Resident,
                               RoleAssignment)

from . import serializers as s
from .base import ScopedReadOnlyViewSet, ScopedViewSet, verb


def _scoped_get_deprecated(queryset, pk, field="pk"):
    """DEPRECATED (issue #15), not for new code: a reference in a body is a `ScopedRef` field of the input
    serializer (a 400 on the field). Kept, under its old name `scoped_get`, only while other apps' API views
    still import it; remove it with their last call."""
    from rest_framework.exceptions import NotFound

    obj = queryset.filter(**{field: pk}).first()
    if obj is None:
        raise NotFound(_("引用的对象不存在或不在您的管辖范围内。"))
    return obj


scoped_get = _scoped_get_deprecated


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=s.TokenRequestSerializer,
                   responses={200: s.TokenSerializer, 401: s.ErrorSerializer, 429: s.ErrorSerializer})
    def post(self, request):
        ser = s.TokenRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            user = authenticate(request._request, username=ser.validated_data["username"],
                                password=ser.validated_data["password"])
        except DjangoPermissionDenied:
            user = None
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                return lockout_response(request._request)
            return Response({"detail": _("用户名或密码错误。")}, status=status.HTTP_401_UNAUTHORIZED)
        token, key = tokens.api_token_create(actor=user, name=ser.validated_data["name"])
        token.key = key  # the only time the key leaves the server
        return Response(s.TokenSerializer(token).data, headers={"Cache-Control": "no-store"})


class LogoutView(APIView):
    """Signing out with a token revokes that token; with a session, ends the session."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            tokens.api_token_revoke(actor=request.user, token_id=request.auth.pk, reason=_("退出登录"))
        else:
            django_logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(ScopedViewSet):
    """The caller's own current tokens (never the keys); another person's token is not found (404)."""

    queryset = ApiToken.objects.all()
    selector = tokens.api_token_list
    serializer_class = s.ApiTokenSerializer

    revoke = verb(tokens.api_token_revoke, pk_arg="token_id")


class MeView(APIView):
    @extend_schema(responses={200: s.MeSerializer})
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "name": user.get_full_name() or user.username,
            "roles": user.role_assignments.filter(active=True),
            "unread_notifications": selectors.unread_count(user=user),
        }
        return Response(s.MeSerializer(data).data)


class RegionViewSet(ScopedViewSet):
    queryset = Region.objects.all()
    selector = selectors.region_list
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilterSet

    create = verb(actions.region_create, input=s.RegionCreateSerializer, detail=False)


class PatchMixin(mixins.UpdateModelMixin):
    """PATCH: the object through the scoped queryset (404 out of sight), the body through `patch_input` (its
    references resolved in the caller's scope), one action, the answer read again through the queryset."""

    patch_input = None  # the body's serializer
    patch_action = None  # staticmethod(<the action>)

    def patch_kwargs(self, obj, data: dict) -> dict:
        """The action's keyword arguments from the object and the validated body."""
        raise NotImplementedError

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        ser = self.patch_input(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        type(self).patch_action(actor=request.user, **self.patch_kwargs(obj, dict(ser.validated_data)))
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


class HouseholdViewSet(PatchMixin, ScopedViewSet):
    queryset = Household.objects.all()
    selector = selectors.household_list
    serializer_class = s.HouseholdSerializer
    filterset_class = HouseholdFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    create = verb(actions.household_create, input=s.HouseholdWriteSerializer, detail=False, reread=True)
    patch_input, patch_action = s.HouseholdPatchSerializer, staticmethod(actions.household_update)

    def patch_kwargs(self, household, data):
        return {"household_id": household.pk, "region": data.get("region", household.region),
                "address": data.get("address", household.address), "head": household.head}

    @extend_schema(request=s.HouseholdPatchSerializer, responses={200: s.HouseholdSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


class ResidentViewSet(PatchMixin, ScopedViewSet):
    queryset = Resident.objects.all()
    selector = selectors.resident_list
    serializer_class = s.ResidentSerializer
    filterset_class = ResidentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    create = verb(actions.resident_create, input=s.ResidentCreateSerializer, detail=False)
    patch_input, patch_action = s.ResidentUpdateSerializer, staticmethod(actions.resident_update)

    def patch_kwargs(self, resident, data):
        return {"resident_id": resident.pk, "region": data.pop("region", None), "phone": data.pop("phone", None), **data}

    @extend_schema(request=s.ResidentUpdateSerializer, responses={200: s.ResidentSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=s.LookupSerializer,
                   responses={200: s.LookupResultSerializer, 400: s.ErrorSerializer, 429: s.ErrorSerializer})
    @action(detail=False, methods=["post"])
    def lookup(self, request):
        """Exact lookup by a full ID number or phone inside the caller's scope: a POST (never in a URL),
        limited per user and hour and written to the audit log. `results` holds 0 or 1 resident."""
        from governance import lookups

        ser = s.LookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            resident = lookups.resident_lookup(actor=request.user, text=ser.validated_data["number"], purpose="api")
        except lookups.LookupLimited as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        return Response({"results": [s.ResidentSerializer(resident).data] if resident else []})

    @extend_schema(request=s.RevealSerializer, responses={200: s.RevealResultSerializer})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full ID number, for a role that needs it; every call is written to the audit log. Written out
        rather than a `verb`: the answer is a number, not the object, and must not be stored (no-store)."""
        resident = self.get_object()
        ser = s.RevealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        full = actions.resident_reveal_id(actor=request.user, resident_id=resident.pk, reason=ser.validated_data["reason"])
        response = Response({"id": resident.pk, "id_number": full})
        response["Cache-Control"] = "no-store"
        return response


class RoleAssignmentViewSet(ScopedViewSet):
    """Roles with terms (issue #18): appoint, end, transfer; a village secretary proposes, the township confirms."""

    queryset = RoleAssignment.objects.all()
    selector = selectors.role_assignment_list
    serializer_class = s.RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet
    create = verb(actions.role_grant, input=s.RoleGrantSerializer, detail=False)
    propose = verb(actions.role_propose, input=s.RoleProposeSerializer, detail=False, status=201)
    end = verb(actions.role_end, input=s.RoleEndSerializer, pk_arg="assignment_id")
    transfer = verb(actions.role_transfer, input=s.RoleTransferSerializer, pk_arg="assignment_id")
    confirm = verb(actions.role_confirm, pk_arg="assignment_id")
    reject = verb(actions.role_reject, input=s.ReasonRequiredSerializer, pk_arg="assignment_id")


class AccountViewSet(ScopedViewSet):
    """Accounts inside the caller's scope (issue #18): create (a one-time set-password link in the answer),
    reset the password (the same), disable, enable."""

    queryset = AccountProfile.objects.all()
    selector = selectors.account_list
    serializer_class = s.AccountSerializer
    filterset_class = AccountFilterSet
    create = verb(actions.account_create, input=s.AccountCreateSerializer, detail=False, output=s.AccountLinkSerializer)
    reset_password = verb(actions.account_reset_password, input=s.OptionalReasonSerializer, pk_arg="profile_id",
                          url_path="reset-password", output=s.AccountLinkSerializer)
    disable = verb(actions.account_set_active, input=s.OptionalReasonSerializer, pk_arg="profile_id",
                   kwargs={"active": False})
    enable = verb(actions.account_set_active, input=s.OptionalReasonSerializer, pk_arg="profile_id",
                  kwargs={"active": True})


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    selector = selectors.audit_list
    serializer_class = s.AuditEntrySerializer
    filterset_class = AuditEntryFilterSet


def _notification_mark_read(*, actor, notification):
    """notification_mark_read() answers how many it marked (one, or all of them); the API answers with the
    notification, read again."""
    actions.notification_mark_read(actor=actor, notification_id=notification.pk)
    return notification


class NotificationViewSet(ScopedReadOnlyViewSet):
    queryset = Notification.objects.all()
    selector = selectors.notification_list
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet

    mark_read = verb(_notification_mark_read, obj_arg="notification", url_path="mark-read", reread=True)
