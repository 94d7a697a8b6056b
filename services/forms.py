"""Forms of services/: they collect input; the actions validate the rules and write."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Unit, WorkCategory
from governance.forms import RegionChoiceField, ResidentLookupField, ScopedForm
from governance.models import Region
from governance.scoping import Role, user_roles
from governance.selectors import regions_for

from . import selectors
from .models import Errand, Fund, HardshipGroup, LinkageHeading, MenuItem, MicroWork, Order, VolunteerTeam

PICK = _("请选择")


class YuanField(forms.DecimalField):
    """Money typed in yuan (two decimals), handed to actions as integer fen — never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return None if value is None else int((value * 100).to_integral_value())


class MenuItemForm(ScopedForm):
    township = RegionChoiceField(queryset=Region.objects.none(), label=_("发布乡镇（街道）"), empty_label=PICK)
    category = forms.ModelChoiceField(queryset=WorkCategory.objects.none(), label=_("类别"), empty_label=PICK)
    code = forms.SlugField(label=_("服务代码"), max_length=40, help_text=_("英文字母、数字和连字符，例如 water-repair"))
    title = forms.CharField(label=_("服务名称"), max_length=100)
    description = forms.CharField(label=_("服务内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), label=_("可承接单位"))
    dispatch_hours = forms.IntegerField(label=_("派单时限（小时）"), min_value=1, max_value=2160, initial=24)
    accept_hours = forms.IntegerField(label=_("接单时限（小时）"), min_value=1, max_value=2160, initial=24)
    work_hours = forms.IntegerField(label=_("办理时限（小时）"), min_value=1, max_value=2160, initial=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = regions_for(user=self.user, model=MenuItem, action="add",
                                                       levels=[Region.Level.TOWNSHIP])
        self.fields["category"].queryset = selectors.work_categories(user=self.user)
        self.fields["units"].queryset = selectors.active_units(user=self.user)


class OrderPlaceForm(ScopedForm):
    resident = ResidentLookupField(required=False, label=_("为哪位群众下单"),
                                   help_text=_("网格员、村干部代群众下单时填写其身份证号；群众本人下单不填"))
    note = forms.CharField(label=_("需求说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    attachment = forms.FileField(label=_("照片或材料（可选）"), required=False)
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)  # made by the phone's queue

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        if getattr(user, "resident", None) is not None and not (set(Role.values) - {Role.RESIDENT}) & user_roles(user):
            del self.fields["resident"]  # a villager orders for themselves
        else:
            self.fields["resident"].for_user(user)


class DispatchForm(ScopedForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("派给单位"), empty_label=PICK)
    note = forms.CharField(label=_("派单说明"), required=False, max_length=500)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.dispatch_units(order)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因（可选）"), required=False, max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ConfirmForm(forms.Form):
    rating = forms.IntegerField(label=_("评价（1–5 星）"), widget=forms.NumberInput(attrs={"min": 1, "max": 5}))
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=500)


class MicroWorkForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("村（社区）"), empty_label=PICK)
    kind = forms.ChoiceField(choices=MicroWork.Kind.choices, label=_("类型"))
    category = forms.ModelChoiceField(queryset=WorkCategory.objects.none(), required=False, label=_("类别"),
                                      empty_label=PICK)
    title = forms.CharField(label=_("名称"), max_length=120)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    budget = YuanField(label=_("预算（元）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user=self.user, model=MicroWork, action="propose",
                                                     levels=[Region.Level.VILLAGE])
        self.fields["category"].queryset = selectors.work_categories(user=self.user)

    def clean(self):
        """A service-center project is the village's own center's (the action checks it is that village's)."""
        data = super().clean()
        region = data.get("region")
        center = data.get("kind") == MicroWork.Kind.CENTER_PROJECT and region is not None
        data["facility"] = selectors.village_center(user=self.user, village=region) if center else None
        return data


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审批结果"), coerce=lambda v: v == "1",
                                     choices=[("1", _("同意")), ("0", _("不同意"))])
    note = forms.CharField(label=_("审批意见"), required=False, max_length=300)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class AcceptanceForm(forms.Form):
    note = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    photos = MultipleFileField(label=_("现场照片"), required=False)


class AllocationForm(ScopedForm):
    fund = forms.ModelChoiceField(queryset=Fund.objects.none(), label=_("资金"), empty_label=PICK)
    amount = YuanField(label=_("安排金额（元）"))

    def __init__(self, *args, work: MicroWork, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = selectors.funds_for_work(user=self.user, work=work)


class ExpenditureForm(forms.Form):
    amount = YuanField(label=_("支出金额（元）"))
    payee = forms.CharField(label=_("收款方"), max_length=100)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    receipt_number = forms.CharField(label=_("票据号"), max_length=40)
    spent_on = forms.DateField(label=_("支出日期"), widget=forms.DateInput(attrs={"type": "date"}))
    receipt = forms.FileField(label=_("票据照片或 PDF"), required=False)


class ErrandForm(ScopedForm):
    resident = ResidentLookupField(label=_("委托人"))
    kind = forms.ChoiceField(choices=Errand.Kind.choices, label=_("事项类型"))
    title = forms.CharField(label=_("代办事项"), max_length=120)
    detail = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].for_user(self.user)


class ErrandAdvanceForm(forms.Form):
    to_status = forms.ChoiceField(choices=[(s, l) for s, l in Errand.Status.choices if s != "received"], label=_("进度"))
    note = forms.CharField(label=_("办理情况"), required=False, max_length=300)


class VolunteerTeamForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("所属区域"), empty_label=PICK)
    name = forms.CharField(label=_("队名"), max_length=100)
    leader_name = forms.CharField(label=_("队长"), max_length=50, required=False)
    members = forms.CharField(label=_("队员名单"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=_("每行一人"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user=self.user, model=VolunteerTeam, action="manage",
                                                     levels=[Region.Level.TOWNSHIP, Region.Level.VILLAGE])

    def clean_members(self) -> list[str]:
        return self.cleaned_data["members"].splitlines()


class VolunteerActivityForm(ScopedForm):
    title = forms.CharField(label=_("活动名称"), max_length=120)
    held_on = forms.DateField(label=_("活动日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    participants = forms.ModelMultipleChoiceField(queryset=None, label=_("参加队员"),
                                                  widget=forms.CheckboxSelectMultiple)
    hours = forms.DecimalField(label=_("每人服务时长（小时）"), max_digits=4, decimal_places=1, min_value=Decimal("0.1"),
                               max_value=Decimal("24"))

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = selectors.team_members(user=self.user, team=team)


class UnitReportForm(ScopedForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("共建单位"), empty_label=PICK)
    community = RegionChoiceField(queryset=Region.objects.none(), label=_("报到村（社区）"), empty_label=PICK)
    commitments = forms.CharField(label=_("共建承诺"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.active_units(user=self.user)
        self.fields["community"].queryset = selectors.report_communities(user=self.user)


class JointActivityForm(forms.Form):
    heading = forms.ChoiceField(choices=LinkageHeading.choices, label=_("六联动"))
    title = forms.CharField(label=_("活动名称"), max_length=100)
    held_on = forms.DateField(label=_("活动日期"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.IntegerField(label=_("参与人数"), min_value=0, initial=0)
    description = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MemberReportForm(ScopedForm):
    community = RegionChoiceField(queryset=Region.objects.none(), label=_("居住地村（社区）"), empty_label=PICK)
    name = forms.CharField(label=_("姓名"), max_length=50)
    workplace = forms.CharField(label=_("工作单位"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.report_communities(user=self.user)


class ServiceHourForm(forms.Form):
    served_on = forms.DateField(label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("时长（小时）"), max_digits=4, decimal_places=1)
    activity = forms.CharField(label=_("服务内容"), max_length=200)


class MicroWishForm(ScopedForm):
    resident = ResidentLookupField(label=_("心愿人"))
    title = forms.CharField(label=_("心愿"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].for_user(self.user)


class HardshipForm(ScopedForm):
    resident = ResidentLookupField(label=_("居民"))
    group = forms.ChoiceField(label=_("类别"), choices=[("", _("请选择"))] + list(HardshipGroup.choices))
    since = forms.DateField(label=_("认定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    review_due = forms.DateField(label=_("下次复核日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("不填则为认定日期一年后。"))
    note = forms.CharField(label=_("情况说明"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("只写帮扶需要知道的情况，不写身份证号、电话和病情细节。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].for_user(self.user)
        self.initial.setdefault("since", timezone.localdate())


class HardshipReviewForm(forms.Form):
    review_due = forms.DateField(label=_("下次复核日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("情况说明（如有变化）"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class HardshipEndForm(forms.Form):
    reason = forms.CharField(label=_("退出原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class WishClaimForm(ScopedForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, label=_("以单位名义认领（可选）"),
                                  empty_label=_("以本人名义认领"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_of(user=self.user)

