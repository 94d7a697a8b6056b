from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance import pii, selectors
from governance.api.base import ModelSerializer, ScopedRef
from governance.models import (AccountProfile, ApiToken, AuditEntry, Household, Notification, Region, Resident,
                               RoleAssignment)
from governance.scoping import Role


class RegionSerializer(ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "kind", "level", "parent", "path"]


class RegionCreateSerializer(serializers.Serializer):
    parent = ScopedRef(selectors.region_list, allow_null=True)
    code = serializers.CharField(max_length=18)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Region.Kind.choices)


class HouseholdSerializer(ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Household
        fields = ["id", "number", "address", "region", "head", "member_count", "created_at"]


class HouseholdWriteSerializer(serializers.Serializer):
    region = ScopedRef(selectors.region_list)
    number = serializers.CharField(max_length=32)
    address = serializers.CharField(max_length=200)


class HouseholdPatchSerializer(serializers.Serializer):
    """What a household's PATCH may change (its number stays)."""

    region = ScopedRef(selectors.region_list, required=False)
    address = serializers.CharField(max_length=200, required=False)


class ResidentSerializer(ModelSerializer):
    """ID number and phone leave the API masked; the full number only through POST …/reveal/."""

    id_number = serializers.CharField(source="id_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    # The age, not the birth date: the date is 8 of the 10 masked digits (see governance/lookups.py).
    age = serializers.IntegerField(read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Resident
        fields = ["id", "name", "id_number", "gender", "age", "phone", "household", "region", "region_name",
                  "status", "away_location", "is_party_member", "relation_to_head", "updated_at"]


class ResidentCreateSerializer(serializers.Serializer):
    household = ScopedRef(selectors.household_list)
    region = ScopedRef(selectors.region_list, required=False, help_text=_("默认为户所在区域"))
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, help_text=_("18位身份证号，GB 11643校验"))
    phone = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=Resident.Status.choices, default=Resident.Status.RESIDENT)
    away_location = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    is_party_member = serializers.BooleanField(default=False)
    relation_to_head = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate_id_number(self, value):
        try:
            return pii.parse_id_number(value).value
        except Exception as exc:  # django ValidationError: pass its message on
            raise serializers.ValidationError(getattr(exc, "messages", [str(exc)]))

    def validate(self, attrs):
        attrs.setdefault("region", attrs["household"].region)
        return attrs


class ResidentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    region = ScopedRef(selectors.region_list, required=False)
    phone = serializers.CharField(max_length=14, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Resident.Status.choices, required=False)
    away_location = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_party_member = serializers.BooleanField(required=False)
    relation_to_head = serializers.CharField(max_length=20, required=False, allow_blank=True)


class LookupSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text=_("完整的18位身份证号或11位手机号（只在请求体中，不进网址）"))


class LookupResultSerializer(serializers.Serializer):
    results = ResidentSerializer(many=True)


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RevealResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    id_number = serializers.CharField()


class RoleAssignmentSerializer(ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "username", "role", "region", "active", "status", "starts_on", "ends_on", "note"]


class RoleGrantSerializer(serializers.Serializer):
    user = ScopedRef(selectors.account_users, help_text=_("账号的用户编号（在您管辖范围内的账号）"))
    role = serializers.ChoiceField(choices=Role.choices)
    region = ScopedRef(Region)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RoleProposeSerializer(serializers.Serializer):
    user = ScopedRef(selectors.account_users)
    role = serializers.ChoiceField(choices=[(r, Role(r).label) for r in ("grid_leader", "village_assistant")])
    region = ScopedRef(Region)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RoleEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RoleTransferSerializer(serializers.Serializer):
    region = ScopedRef(Region)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReasonRequiredSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AccountSerializer(ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.first_name", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)

    class Meta:
        model = AccountProfile
        fields = ["id", "user", "username", "full_name", "region", "is_active", "must_change_password", "created_at"]


class AccountLinkSerializer(AccountSerializer):
    """The answer to a create or a reset: the one-time set-password link, shown this once."""

    set_password_link = serializers.SerializerMethodField()

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "set_password_link"]

    def get_set_password_link(self, obj) -> str:
        request = self.context.get("request")
        link = getattr(obj, "set_password_link", "")
        return request.build_absolute_uri(link) if request is not None and link else link


class AccountCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=150)
    region = ScopedRef(Region)


class AuditEntrySerializer(ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)
    object_type = serializers.CharField(source="content_type.model", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "object_repr", "region",
                  "from_state", "to_state", "reason"]


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "created_at", "title", "body", "url", "read_at"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    roles = RoleAssignmentSerializer(many=True)
    unread_notifications = serializers.IntegerField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                 help_text=_("令牌名称，便于在“我的令牌”中辨认"))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ApiTokenSerializer(ModelSerializer):
    """A token as its owner sees it later: never the key, only its first characters."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]


class TokenSerializer(ApiTokenSerializer):
    """The answer that issues a token: the key, this once."""

    token = serializers.CharField(source="key", read_only=True, help_text=_("只显示这一次；请求时放在 Authorization: Token <令牌> 头中"))

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]


User = get_user_model()
