from __future__ import annotations

import functools

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Household, Region, Resident, RoleAssignment


class ScopedForm(forms.Form):
    """Every form that offers choices from the database derives from this (NetBox's restrict_form_fields):
    after the form's own __init__ — however deep the subclassing — every ModelChoiceField's queryset is put
    through `scoping.scoped()`, so a choice outside the user's scope is neither offered nor accepted.
    A queryset already restricted for this user (a selector's, possibly for another action) stays as it
    is; a deliberate reach past the scope says so with `scoping.beyond_scope()`. `scope_actions` maps a
    field to the action its choices are restricted for when the field's queryset is not yet restricted."""

    scope_actions: dict[str, str] = {}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.restrict_fields()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_restricts", False):
            @functools.wraps(init)
            def __init__(self, *args, **kw):
                init(self, *args, **kw)
                self.restrict_fields()

            __init__._restricts = True
            cls.__init__ = __init__

    def restrict_fields(self) -> None:
        from .pickers import adopt
        from .scoping import scoped

        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                action = self.scope_actions.get(name, "view")
                field.queryset = scoped(field.queryset, self.user, action)
                adopt(field, self.user, action)  # a drop-down while short, a typed-search picker once long


ScopedForm.__init__._restricts = True  # its own __init__ restricts at its end


class RegionChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


def scoped_regions(user, levels, action="add", model=Resident):
    """The regions at `levels` where the user may take `action` on a `model` (governance.selectors.regions_for)."""
    from .selectors import regions_for

    return regions_for(user=user, model=model, action=action, levels=levels)


# Where a household is registered and a resident lives: a group/compound, a building, or (no groups) the village.
HOME_LEVELS = (Region.Level.VILLAGE, Region.Level.GROUP, Region.Level.BUILDING)


class HouseholdForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("所属区域（村民小组/小区/楼栋）"),
                               empty_label=_("请选择"))
    number = forms.CharField(label=_("户号"), max_length=32)
    address = forms.CharField(label=_("住址"), max_length=200)

    def __init__(self, *args, instance: Household | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped_regions(self.user, HOME_LEVELS, "change" if instance else "add",
                                                        Household)
        if instance is not None:
            self.fields["number"].disabled = True
            self.fields["head"] = forms.ModelChoiceField(
                queryset=instance.members.order_by("name"), required=False, label=_("户主"), empty_label=_("请选择")
            )
            self.initial.update(region=instance.region_id, number=instance.number, address=instance.address,
                                head=instance.head_id)


class ResidentForm(ScopedForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, min_length=1,
                                help_text=_("18位，末位可为X；出生日期和性别由号码自动得出。"))
    phone = forms.CharField(label=_("手机号"), max_length=14, required=False)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("所属区域"))
    relation_to_head = forms.CharField(label=_("与户主关系"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("居住状态"), choices=Resident.Status.choices)
    away_location = forms.CharField(label=_("现居地（外出）"), max_length=100, required=False)
    is_party_member = forms.BooleanField(label=_("党员"), required=False)

    def __init__(self, *args, household: Household | None = None, instance: Resident | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        household = household or instance.household
        self.instance = instance
        action = "change" if instance else "add"
        # A resident lives where the household is registered, or in a building below it.
        self.fields["region"].queryset = scoped_regions(self.user, HOME_LEVELS, action).filter(
            path__startswith=household.region.path
        )
        self.initial.setdefault("region", household.region_id)
        if instance is not None:
            del self.fields["id_number"]
            self.fields["phone"].help_text = _("留空表示不修改；当前：%(m)s") % {"m": instance.phone_masked or "—"}
            self.initial.update(name=instance.name, region=instance.region_id, status=instance.status,
                                away_location=instance.away_location, is_party_member=instance.is_party_member,
                                relation_to_head=instance.relation_to_head)

    def clean_phone(self):
        """On an edit an empty phone means "unchanged" (None to the action); on a registration, no phone."""
        phone = self.cleaned_data["phone"]
        return phone or (None if self.instance is not None else "")


class LookupForm(forms.Form):
    number = forms.CharField(label=_("身份证号或手机号"), max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": _("身份证号或手机号"), "autocomplete": "off"}),
                             help_text=_("精确查找：号码不会出现在网址中；每次查找记入审计，每小时次数有限。"))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200,
                             help_text=_("例如：办理社保代办需核对证件。每次查看都会记入审计日志。"))


HOUSEHOLD_SELECT_LIMIT = 300


class HouseholdChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.number} {obj.address}"


class ScopedLookupField(forms.CharField):
    """An object typed in (a number, a name) and found inside the queryset the form gives — the user's
    scope — where a drop-down would be too long to scroll. Subclasses say how `find` reads the text; it
    returns None (not found) or raises ValidationError itself (ambiguous, malformed)."""

    default_error_messages = {"not_found": _("未找到，或不在您的管辖范围内。")}

    def __init__(self, *args, queryset=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = queryset
        self.actor = actor  # who is looking: exact lookups by number are limited and audited per user

    def find(self, value: str):
        raise NotImplementedError

    def find_by_id_number(self, number: str, hash_path: str = "id_hash"):
        """An exact lookup by a full ID number, through the one limited and audited door."""
        from . import lookups

        if self.actor is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs the actor for a lookup by ID number")
        return lookups.find_one(actor=self.actor, queryset=self.queryset, number=number, purpose="picker",
                                hash_path=hash_path)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        value = value.strip()
        found = self.find(value)
        if found is None:
            raise ValidationError(self.error_messages["not_found"], code="not_found", params={"n": value})
        return found


class HouseholdLookupField(ScopedLookupField):
    """A household by its number (户号) — for users whose scope holds more households than a drop-down can
    show (a township: thousands; the county: 150,000)."""

    default_error_messages = {"not_found": _("未找到该户号，或该户不在您的管辖范围内。")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", _("输入户号（户籍登记的户号）"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("placeholder", _("户号"))

    def prepare_value(self, value):
        return value.number if isinstance(value, Household) else value

    def find(self, value):
        return self.queryset.filter(number=value).first()


def household_field(queryset, **kwargs) -> forms.Field:
    """A drop-down where the user's households fit in one (a grid, a village), the household number
    otherwise. Costs one bounded count (LIMIT 301). Initial values may be Household instances."""
    if queryset.order_by()[:HOUSEHOLD_SELECT_LIMIT + 1].count() <= HOUSEHOLD_SELECT_LIMIT:
        return HouseholdChoiceField(queryset=queryset, **kwargs)
    return HouseholdLookupField(queryset=queryset, **kwargs)


class ResidentLookupField(ScopedLookupField):
    """Pick a resident by their full ID number (the card in hand), found through its keyed hash inside
    the user's scope — not a drop-down of every resident, which a county-wide user could not scroll.
    A numeric value is a resident's id (a link from the resident's page pre-fills it)."""

    default_error_messages = {
        "not_found": _("未找到该居民，或其不在您的管辖范围内。"),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("help_text", _("输入居民的18位身份证号"))
        super().__init__(*args, queryset=Resident.objects.none(), **kwargs)
        self.widget.attrs.setdefault("placeholder", _("身份证号"))

    def for_user(self, user) -> "ResidentLookupField":
        self.queryset = Resident.objects.restrict(user, "view").select_related("region", "household")
        self.actor = user
        return self

    def prepare_value(self, value):
        return value.pk if isinstance(value, Resident) else value

    def find(self, value):
        from . import pii

        if value.isdigit() and len(value) < 18:
            return self.queryset.filter(pk=int(value)).first()
        try:
            number = pii.parse_id_number(value).value
        except ValidationError as exc:
            raise ValidationError(exc.messages)
        return self.find_by_id_number(number)


# --- Accounts and roles (issue #18) ---------------------------------------------------------------------

class AccountCreateForm(ScopedForm):
    username = forms.CharField(label=_("登录名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("所属区域"))

    def __init__(self, *args, **kwargs):
        from .models import AccountProfile

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped_regions(self.user, (1, 2, 3, 4), "add", AccountProfile)


class _AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username}（{obj.username}）"


class RoleGrantForm(ScopedForm):
    user = _AccountChoice(queryset=None, label=_("账号"), empty_label=_("请选择"))
    role = forms.ChoiceField(label=_("角色"))
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("区域"))
    starts_on = forms.DateField(label=_("任期开始"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("任期结束"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    roles = None
    region_action = "add"

    def __init__(self, *args, **kwargs):
        from .selectors import account_users

        super().__init__(*args, **kwargs)
        from .scoping import Role

        self.fields["user"].queryset = account_users(user=self.user)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if self.roles is None or r in self.roles]
        self.fields["region"].queryset = scoped_regions(self.user, (1, 2, 3, 4), self.region_action, RoleAssignment)


class RoleProposeForm(RoleGrantForm):
    roles = frozenset({"grid_leader", "village_assistant"})
    region_action = "propose"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            del self.fields[name]


class RoleEndForm(forms.Form):
    ends_on = forms.DateField(label=_("任期结束（默认今天，立即生效）"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class RoleTransferForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("调往区域"))
    starts_on = forms.DateField(label=_("新任期开始（默认今天）"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped_regions(self.user, (1, 2, 3, 4), "add", RoleAssignment)


class ReasonRequiredForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
