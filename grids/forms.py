"""Forms of grids/: every model choice comes from a selector and passes ScopedForm's restriction; field names
are the actions' parameters (the issue steps' `note` excepted: the views name the parameter it fills)."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from centers.models import WorkCategory
from governance.forms import HouseholdChoiceField, RegionChoiceField, ScopedForm, household_field
from governance.models import Household, Region, Resident
from governance.scoping import STAFF_ROLES, user_roles

from . import selectors
from .models import Grid, Issue, Severity

EMPTY = _("请选择")


class ResidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_masked}）"


class NameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class IssueReportForm(ScopedForm):
    category = forms.ModelChoiceField(queryset=WorkCategory.objects.none(), label=_("类别"), empty_label=EMPTY)
    severity = forms.ChoiceField(choices=Severity.choices, label=_("事件分级"), initial=Severity.MINOR)
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 4}))
    household = HouseholdChoiceField(queryset=Household.objects.none(), required=False, label=_("户"))
    region = RegionChoiceField(queryset=Region.objects.none(), required=False, label=_("网格（不涉及具体户时）"),
                               empty_label=EMPTY)
    file = forms.FileField(required=False, label=_("附件（图片或PDF，10 MB以内）"))
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)  # made by the phone's queue

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["category"].queryset = selectors.report_categories(user=user)
        self.fields["region"].queryset = selectors.report_regions(user=user)
        if user_roles(user) & STAFF_ROLES or user.is_superuser:
            self.fields["household"] = household_field(selectors.households(user=user), required=False, label=_("户"))
        else:  # a villager reports in plain words: their household and grid come from who they are, the
            # level (小事/难事/大事) is decided by the grid member who takes it (issue #17)
            for name in ("household", "region", "severity"):
                del self.fields[name]
            self.fields["category"].label = _("是什么方面的事")
            self.fields["title"].label = _("一句话说说是什么事")
            self.fields["description"].label = _("详细情况（在哪里、多久了、影响到谁）")
            self.fields["file"].label = _("拍张照片（可选）")
            self.fields["file"].widget.attrs.update(accept="image/*", capture="environment")

    def clean(self):
        data = super().clean()
        data.setdefault("severity", Severity.MINOR)  # a villager's report starts as 小事 until staff grade it
        return data


class IssueStepForm(forms.Form):
    """A step on an issue; `version` is the state the user saw, so a stale page loses (409-style message)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def note_form(label, *, versioned: bool = True) -> type[forms.Form]:
    """A step that asks for a text (the result, the reason …), labelled for the step."""
    base = IssueStepForm if versioned else forms.Form
    return type("IssueNoteForm", (base,), {
        "note": forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}))})


ResolveForm = note_form(_("办理结果"))
RejectForm = note_form(_("理由"))
EscalateForm = note_form(_("提级理由"))
ReopenForm = note_form(_("不满意的原因"), versioned=False)
CommentForm = note_form(_("备注内容"), versioned=False)


class IssueAssignForm(ScopedForm):
    assignee = UserChoiceField(queryset=get_user_model().objects.none(), label=_("承办人"), empty_label=EMPTY)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, issue: Issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.issue_handlers(user=self.user, issue=issue)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件（图片或PDF，10 MB以内）"))


class GridMemberForm(ScopedForm):
    resident = ResidentChoiceField(queryset=Resident.objects.none(), label=_("党员"), empty_label=EMPTY)
    make_leader = forms.BooleanField(required=False, label=_("设为网格长"))

    def __init__(self, *args, grid: Grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = selectors.party_members_near(user=self.user, grid=grid)


class ResponsibilityForm(ScopedForm):
    household = HouseholdChoiceField(queryset=Household.objects.none(), label=_("户"))
    member = NameChoiceField(queryset=Resident.objects.none(), label=_("责任党员"), empty_label=EMPTY)

    def __init__(self, *args, grid: Grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = selectors.grid_households(user=self.user, grid=grid).order_by("number")
        self.fields["member"].queryset = selectors.grid_member_residents(user=self.user, grid=grid)


class VisitForm(ScopedForm):
    household = HouseholdChoiceField(queryset=Household.objects.none(), label=_("户"))
    member = NameChoiceField(queryset=Resident.objects.none(), required=False, label=_("走访党员"), empty_label=EMPTY)
    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("走访记录（送了什么服务、听到什么意见）"), widget=forms.Textarea(attrs={"rows": 4}))
    raise_issue = forms.BooleanField(required=False, label=_("同时上报为事件"))
    category = forms.ModelChoiceField(queryset=WorkCategory.objects.none(), required=False, label=_("事件类别"),
                                      empty_label=EMPTY)
    severity = forms.ChoiceField(choices=Severity.choices, required=False, label=_("事件分级"))
    issue_title = forms.CharField(required=False, max_length=120, label=_("事件标题"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["household"] = household_field(selectors.households(user=user), label=_("户"))
        self.fields["member"].queryset = selectors.duty_members(user=user)
        self.fields["category"].queryset = selectors.report_categories(user=user)

    def clean(self):
        data = super().clean()
        if data.get("raise_issue") and not data.get("category"):
            self.add_error("category", _("上报事件须选择类别。"))
        if not data.get("severity"):
            data["severity"] = Severity.MINOR
        return data


class FieldVisitForm(VisitForm):
    """The field kit's one-screen visit (我的联系户 → 记录走访): the household among the member's own, a photo
    from the phone's camera, where the phone was (when it allows it) and the phone's idempotency key."""

    photo = forms.FileField(required=False, label=_("拍照（可选）"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                   widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    field_order = ["household", "notes", "photo", "raise_issue", "category", "issue_title", "severity", "member",
                   "visited_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mine = selectors.field_households(user=self.user)
        self.fields["household"] = household_field(mine, label=_("户"))
        self.fields["household"].label_from_instance = lambda h: f"{h.number} {h.head.name if h.head else ''} {h.address}"
        self.fields["notes"].widget.attrs.update(rows=3)
        self.order_fields(self.field_order)


class MajorEventForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("联动范围（村/乡镇/全县）"), empty_label=EMPTY)
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("联动要求"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.major_event_regions(user=self.user)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("响应情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SLAForm(forms.Form):
    hours = forms.IntegerField(label=_("办理时限（小时）"), min_value=1, max_value=2160)
