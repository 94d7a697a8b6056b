from django.contrib.auth import authenticate
from django.contrib.auth import logout as django_logout
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import actions, selectors, tokens
from governance.lockout import lockout_response
from governance.filtersets import (
    AuditEntryFilterSet,
    HouseholdFilterSet,
    NotificationFilterSet,
    RegionFilterSet,
    ResidentFilterSet,
    RoleAssignmentFilterSet,
)
from governance.models import ApiToken, AuditEntry, Household, Notification, Region, Resident, RoleAssignment

from . import serializers as s
from .base import ScopedReadOnlyViewSet, ScopedViewSet


def scoped_get(queryset, pk, field="pk"):
    """A referenced object the caller cannot see is reported as not found (400 on the field)."""
    obj = queryset.filter(**{field: pk}).first()
    if obj is None:
        raise NotFound(_("引用的对象不存在或不在您的管辖范围内。"))
    return obj


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

    @extend_schema(request=None, responses={200: s.ApiTokenSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = tokens.api_token_revoke(actor=request.user, token_id=self.get_object().pk)
        return Response(s.ApiTokenSerializer(token).data)


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


class RegionViewSet(mixins.CreateModelMixin, ScopedViewSet):
    queryset = Region.objects.all()
    selector = selectors.region_list
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilterSet

    @extend_schema(request=s.RegionCreateSerializer, responses={201: s.RegionSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.RegionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        parent = scoped_get(selectors.region_list(user=request.user), d["parent"]) if d["parent"] else None
        region = actions.region_create(actor=request.user, parent=parent, code=d["code"], name=d["name"], kind=d["kind"])
        return Response(s.RegionSerializer(region).data, status=status.HTTP_201_CREATED)


class HouseholdViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    queryset = Household.objects.all()
    selector = selectors.household_list
    serializer_class = s.HouseholdSerializer
    filterset_class = HouseholdFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=s.HouseholdWriteSerializer, responses={201: s.HouseholdSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.HouseholdWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        region = scoped_get(selectors.region_list(user=request.user), d["region"])
        household = actions.household_create(actor=request.user, region=region, number=d["number"], address=d["address"])
        return Response(s.HouseholdSerializer(selectors.household_list(user=request.user).get(pk=household.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.HouseholdWriteSerializer, responses={200: s.HouseholdSerializer})
    def partial_update(self, request, *args, **kwargs):
        household = self.get_object()
        ser = s.HouseholdWriteSerializer(data={"number": household.number, "region": household.region_id,
                                               "address": household.address, **request.data})
        ser.is_valid(raise_exception=True)
        region = scoped_get(selectors.region_list(user=request.user), ser.validated_data["region"])
        actions.household_update(actor=request.user, household_id=household.pk, region=region,
                                 address=ser.validated_data["address"], head=household.head)
        return Response(s.HouseholdSerializer(self.get_queryset().get(pk=household.pk)).data)


class ResidentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    queryset = Resident.objects.all()
    selector = selectors.resident_list
    serializer_class = s.ResidentSerializer
    filterset_class = ResidentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=s.ResidentCreateSerializer, responses={201: s.ResidentSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.ResidentCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        household = scoped_get(selectors.household_list(user=request.user), d.pop("household"))
        region = scoped_get(selectors.region_list(user=request.user), d.pop("region")) if d.get("region") else household.region
        resident = actions.resident_create(actor=request.user, household=household, region=region, **d)
        return Response(s.ResidentSerializer(resident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResidentUpdateSerializer, responses={200: s.ResidentSerializer})
    def partial_update(self, request, *args, **kwargs):
        resident = self.get_object()
        ser = s.ResidentUpdateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        region = scoped_get(selectors.region_list(user=request.user), d.pop("region")) if "region" in d else None
        phone = d.pop("phone", None)
        actions.resident_update(actor=request.user, resident_id=resident.pk, region=region, phone=phone, **d)
        return Response(s.ResidentSerializer(self.get_queryset().get(pk=resident.pk)).data)

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
        """The full ID number, for a role that needs it; every call is written to the audit log."""
        resident = self.get_object()
        ser = s.RevealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        full = actions.resident_reveal_id(actor=request.user, resident_id=resident.pk, reason=ser.validated_data["reason"])
        response = Response({"id": resident.pk, "id_number": full})
        response["Cache-Control"] = "no-store"
        return response


class RoleAssignmentViewSet(ScopedReadOnlyViewSet):
    queryset = RoleAssignment.objects.all()
    selector = selectors.role_assignment_list
    serializer_class = s.RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    selector = selectors.audit_list
    serializer_class = s.AuditEntrySerializer
    filterset_class = AuditEntryFilterSet


class NotificationViewSet(ScopedReadOnlyViewSet):
    queryset = Notification.objects.all()
    selector = selectors.notification_list
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet

    @extend_schema(request=None, responses={200: s.NotificationSerializer})
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        notification = self.get_object()
        actions.notification_mark_read(actor=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(s.NotificationSerializer(notification).data)
