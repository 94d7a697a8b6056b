"""Forms of departments/: every model choice comes from a selector and passes ScopedForm's restriction;
field names are the actions' parameters."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Unit, WorkCategory
from governance.forms import RegionChoiceField, ScopedForm
from governance.models import Region
from grids.models import ACTIVE_STATUSES, Issue

from . import selectors
from .models import Department, HandlingLevel, StationedCadre

EMPTY = _("请选择")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if timezone.is_aware(value) else value.strftime("%Y-%m-%dT%H:%M")
        return value


def _dt_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeInput(),
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])


class DepartmentForm(ScopedForm):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("部门名称"), max_length=60)
    duties = forms.CharField(label=_("主要职责"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(label=_("值班电话"), required=False, max_length=30)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class DepartmentStaffForm(ScopedForm):
    user = UserChoiceField(queryset=get_user_model().objects.none(), label=_("工作人员"), empty_label=EMPTY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.department_staff_candidates(user=self.user)


class CatalogueItemForm(ScopedForm):
    name = forms.CharField(label=_("事项名称"), max_length=100)
    level = forms.ChoiceField(choices=[("", EMPTY), *HandlingLevel.choices], label=_("办理层级"))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False, label=_("主管部门"),
                                        empty_label=EMPTY)
    sla_days = forms.IntegerField(label=_("办理时限（天）"), min_value=1, max_value=365, initial=10)
    plain_description = forms.CharField(label=_("通俗说明"), widget=forms.Textarea(attrs={"rows": 3}),
                                        help_text=_("写给村民看的话：什么事、找谁、多久办好。"))
    categories = forms.ModelMultipleChoiceField(queryset=WorkCategory.objects.none(), required=False,
                                                label=_("对应事项类别"), widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_choices(user=self.user)
        self.fields["categories"].queryset = WorkCategory.objects.restrict(self.user, "view").filter(active=True)


class DepartmentChoiceForm(ScopedForm):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("部门"), empty_label=EMPTY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_choices(user=self.user)


class RouteForm(DepartmentChoiceForm):
    note = forms.CharField(label=_("交办说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(DepartmentChoiceForm):
    reason = forms.CharField(label=_("改派理由"), widget=forms.Textarea(attrs={"rows": 3}))


class AssistForm(DepartmentChoiceForm):
    part = forms.CharField(label=_("请协办部门承担的工作"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(ScopedForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ResultForm(ScopedForm):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 4}))


class SupervisionForm(ScopedForm):
    issue = forms.ModelChoiceField(queryset=Issue.objects.none(), label=_("督办事项"), empty_label=EMPTY)
    requirement = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = _dt_field(_("督办时限"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from grids.selectors import issue_list

        self.fields["issue"].queryset = issue_list(user=self.user).filter(status__in=ACTIVE_STATUSES)


class CloseForm(ScopedForm):
    note = forms.CharField(label=_("销号说明"), widget=forms.Textarea(attrs={"rows": 3}))


class WhistleForm(ScopedForm):
    issue = forms.ModelChoiceField(queryset=Issue.objects.none(), label=_("吹哨事项"), empty_label=EMPTY)
    departments = forms.ModelMultipleChoiceField(queryset=Department.objects.none(), label=_("点名报到的部门"),
                                                 widget=forms.CheckboxSelectMultiple)
    request = forms.CharField(label=_("吹哨事由（需要部门做什么）"), widget=forms.Textarea(attrs={"rows": 3}))
    ack_hours = forms.IntegerField(label=_("报到时限（小时）"), min_value=1, max_value=168, initial=24)
    meet_at = _dt_field(_("现场会商时间"), required=False)
    place = forms.CharField(label=_("地点"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from grids.selectors import issue_list

        self.fields["issue"].queryset = issue_list(user=self.user).filter(status__in=ACTIVE_STATUSES)
        self.fields["departments"].queryset = selectors.department_choices(user=self.user)


class AcknowledgeForm(ScopedForm):
    people = forms.CharField(label=_("派出人员（姓名、职务）"), max_length=200)


class AttendanceForm(ScopedForm):
    attended = forms.TypedChoiceField(label=_("到场情况"), choices=[("1", _("已到场")), ("0", _("未到场"))],
                                      coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class OutcomeForm(ScopedForm):
    outcome = forms.CharField(label=_("处置结果"), widget=forms.Textarea(attrs={"rows": 4}))


class UnitSupervisorForm(ScopedForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("共建单位"), empty_label=EMPTY)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("主管部门"), empty_label=EMPTY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(self.user, "view").filter(active=True).order_by("name")
        self.fields["department"].queryset = selectors.department_choices(user=self.user)


# --- 驻村干部 ---------------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


def _date_field(label, required=True, **kw):
    return forms.DateField(label=label, required=required, widget=DateInput(format="%Y-%m-%d"), **kw)


class StationForm(ScopedForm):
    village = RegionChoiceField(queryset=Region.objects.none(), label=_("驻村（社区）"))
    user = UserChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("干部账号"),
                           empty_label=EMPTY, help_text=_("有账号的干部选账号，本人可查看任期、记录驻村工作。"))
    name = forms.CharField(label=_("姓名（无账号时填写）"), max_length=40, required=False)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False, label=_("派出部门"),
                                        empty_label=EMPTY)
    unit_name = forms.CharField(label=_("派出单位（非县直部门时填写）"), max_length=60, required=False)
    post = forms.ChoiceField(choices=StationedCadre.Post.choices, label=_("驻村职务"))
    tasks = forms.CharField(label=_("驻村任务"), widget=forms.Textarea(attrs={"rows": 3}))
    start_date = _date_field(_("任期开始"))
    end_date = _date_field(_("任期结束（计划）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.stationed_villages(user=self.user)
        self.fields["user"].queryset = selectors.stationed_cadre_candidates(user=self.user)
        self.fields["department"].queryset = selectors.department_choices(user=self.user)


class StationEndForm(ScopedForm):
    reason = forms.CharField(label=_("结束原因"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("如：任期届满、工作调动。"))
    end_date = _date_field(_("结束日期"), required=False, help_text=_("不填为今天。"))


class VisitForm(ScopedForm):
    date = _date_field(_("日期"), initial=timezone.localdate)
    work = forms.CharField(label=_("工作内容"), widget=forms.Textarea(attrs={"rows": 3}))
    households_visited = forms.IntegerField(label=_("走访户数"), min_value=0, max_value=1000, initial=0)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
