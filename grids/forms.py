from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from centers.models import WorkCategory
from governance.forms import HouseholdChoiceField, RegionChoiceField, household_field, scoped_regions
from governance.models import Household, Region, Resident
from governance.scoping import STAFF_ROLES, user_roles

from .models import Grid, Severity


class ResidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_masked}）"


class IssueReportForm(forms.Form):
    category = forms.ModelChoiceField(queryset=WorkCategory.objects.filter(active=True), label=_("类别"))
    severity = forms.ChoiceField(choices=Severity.choices, label=_("事件分级"), initial=Severity.MINOR)
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 4}))
    household = HouseholdChoiceField(queryset=Household.objects.none(), required=False, label=_("户"))
    region = RegionChoiceField(queryset=Region.objects.none(), required=False, label=_("网格（不涉及具体户时）"))
    file = forms.FileField(required=False, label=_("附件（图片或PDF，10 MB以内）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user_roles(user) & STAFF_ROLES or user.is_superuser:
            self.fields["household"] = household_field(Household.objects.restrict(user, "view").order_by("number"),
                                                       required=False, label=_("户"))
            self.fields["region"].queryset = scoped_regions(user, [Region.Level.GROUP], "view", Household)
        else:  # a resident reports for their own household, in their own village
            del self.fields["household"]
            own = Resident.objects.filter(user=user).select_related("region").first()
            self.fields["region"].queryset = (Region.objects.filter(level=Region.Level.GROUP, path__startswith=own.region.path[:12])
                                              if own else Region.objects.none())
            self.fields["region"].label = _("所在网格（村民小组/小区）")


class IssueVerbForm(forms.Form):
    """A state change with an optional or required note; `version` is the state the user saw."""

    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, note_label=None, note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if note_label:
            self.fields["note"].label = note_label
        self.fields["note"].required = note_required


class IssueAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label=_("承办人"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, issue, **kwargs):
        from django.contrib.auth import get_user_model

        from .models import LEVEL_HANDLERS

        super().__init__(*args, **kwargs)
        paths = [issue.region.path[:n] for n in (6, 9, 12, 15)]
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            role_assignments__active=True, role_assignments__role__in=LEVEL_HANDLERS[issue.level],
            role_assignments__region__path__in=paths).distinct().order_by("username")
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件（图片或PDF，10 MB以内）"))


class GridMemberForm(forms.Form):
    resident = ResidentChoiceField(queryset=Resident.objects.none(), label=_("党员"))
    make_leader = forms.BooleanField(required=False, label=_("设为网格长"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = candidates


class ResponsibilityForm(forms.Form):
    household = HouseholdChoiceField(queryset=Household.objects.none(), label=_("户"))
    member = forms.ModelChoiceField(queryset=Resident.objects.none(), label=_("责任党员"))

    def __init__(self, *args, grid: Grid, households, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda r: r.name


class VisitForm(forms.Form):
    household = HouseholdChoiceField(queryset=Household.objects.none(), label=_("户"))
    member = forms.ModelChoiceField(queryset=Resident.objects.none(), required=False, label=_("走访党员"))
    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("走访记录（送了什么服务、听到什么意见）"), widget=forms.Textarea(attrs={"rows": 4}))
    raise_issue = forms.BooleanField(required=False, label=_("同时上报为事件"))
    category = forms.ModelChoiceField(queryset=WorkCategory.objects.filter(active=True), required=False, label=_("事件类别"))
    severity = forms.ChoiceField(choices=Severity.choices, required=False, label=_("事件分级"))
    issue_title = forms.CharField(required=False, max_length=120, label=_("事件标题"))

    def __init__(self, *args, user, **kwargs):
        from .models import GridMember

        super().__init__(*args, **kwargs)
        self.fields["household"] = household_field(Household.objects.restrict(user, "view").order_by("number"),
                                                   label=_("户"))
        self.fields["member"].queryset = Resident.objects.filter(
            pk__in=GridMember.objects.restrict(user, "view").values("resident_id")).order_by("name")
        self.fields["member"].label_from_instance = lambda r: r.name

    def clean(self):
        data = super().clean()
        if data.get("raise_issue") and not data.get("category"):
            self.add_error("category", _("上报事件须选择类别。"))
        return data


class MajorEventForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("联动范围（村/乡镇/全县）"))
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("联动要求"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        from governance.scoping import MANAGERS, role_paths, subtree_q

        super().__init__(*args, **kwargs)
        paths = role_paths(user, MANAGERS)
        qs = Region.objects.filter(level__lte=Region.Level.VILLAGE).order_by("path")
        self.fields["region"].queryset = qs if user.is_superuser else (qs.filter(subtree_q(paths)) if paths else qs.none())


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("响应情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SLAForm(forms.Form):
    hours = forms.IntegerField(label=_("办理时限（小时）"), min_value=1, max_value=2160)
