"""Forms of credit/: they collect input; the actions validate the rules and speak Chinese."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance import pii
from governance.forms import ScopedForm
from governance.models import Region
from governance.selectors import region_list

from . import selectors
from .models import (CRITERION_ORDER, Consent, CreditRecord, CriterionCode, DomesticWorker, Grade, GradeCheck, Objection,
                     RecordType, Standard)


class IdNumberField(forms.CharField):
    """A full ID number, checked (length, birth date, GB 11643); stored only as its hash lookup."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("身份证号"))
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("min_length", 15)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return pii.parse_id_number(value).value


class ResidentByIdNumberField(IdNumberField):
    """The resident whose full ID number is typed in, found inside the user's scope for `action` on `model`
    (credit.actions.resident_by_id_number: limited, audited, the same message whether unknown or out of
    scope). The form gives the field its user."""

    def __init__(self, *, action: str, model, **kwargs):
        self.action, self.model, self.actor = action, model, None
        super().__init__(**kwargs)

    def clean(self, value):
        from django.core.exceptions import ValidationError

        from .actions import resident_by_id_number

        number = super().clean(value)
        try:
            return resident_by_id_number(actor=self.actor, id_number=number, action=self.action, model=self.model)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class CreditForm(ScopedForm):
    """A credit form: its model choices restricted for the user, its resident looked up in the user's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ResidentByIdNumberField):
                field.actor = self.user

    def clean(self):
        """The typed-in ID number *is* the resident the action takes."""
        data = super().clean()
        if isinstance(self.fields.get("id_number"), ResidentByIdNumberField) and "id_number" in data:
            data["resident"] = data.pop("id_number")
        return data


class RecordForm(CreditForm):
    id_number = ResidentByIdNumberField(action="add", model=CreditRecord,
                                        help_text=_("被记录居民的身份证号（只用于查找，页面上只显示脱敏号码）"))
    record_type = forms.ModelChoiceField(queryset=RecordType.objects.none(), label=_("记录类型"),
                                         empty_label=_("请选择"))
    points = forms.IntegerField(label=_("分值"), required=False, help_text=_("留空则按记录类型的分值"))
    fact_date = forms.DateField(label=_("事实发生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(choices=CreditRecord.Source.choices, label=_("来源"))
    evidence = forms.CharField(label=_("证据说明"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("证据附件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].queryset = selectors.record_types_in_force(user=self.user)
        self.fields["record_type"].label_from_instance = lambda rt: f"{rt.criterion.name} · {rt.name}（{rt.points:+d}）"


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("作废后，核验页面显示“已作废”；原因记录在案。"))


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("评议意见"), widget=forms.Textarea(attrs={"rows": 2}))
    grade = forms.ChoiceField(choices=Grade.choices, label=_("评议等级"))
    adjust_reason = forms.CharField(label=_("调整理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("评议等级与系统计算等级不同时必填"))

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:  # the meeting starts from the computed grade
            self.initial.setdefault("grade", review.computed_grade)


class IdListField(forms.Field):
    """The ids ticked in a list (any number of them); the action loads them inside the user's scope."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("所选评议无效。"), "required": _("请至少选择一条评议。")}

    def to_python(self, value):
        if value in self.empty_values:
            return []
        try:
            return [int(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BulkReviewForm(forms.Form):
    ACTIONS = [("agree", _("评议会同意系统计算等级")), ("approve", _("书记审批通过并公示"))]
    action = forms.ChoiceField(choices=ACTIONS, label=_("操作"), error_messages={"required": _("请选择要执行的操作。"),
                                                                               "invalid_choice": _("请选择要执行的操作。")})
    reviews = IdListField(label=_("评议"))
    opinion = forms.CharField(label=_("评议意见"), required=False)


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(choices=Objection.Decision.choices, label=_("处理结果"))
    new_grade = forms.ChoiceField(choices=[("", "—")] + Grade.choices, label=_("更正后等级"), required=False)


class PurposeMixin(ScopedForm):
    purpose = forms.ModelChoiceField(queryset=None, label=_("用途"), empty_label=_("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = selectors.check_purposes(user=self.user)


class CheckForm(PurposeMixin, CreditForm):
    id_number = ResidentByIdNumberField(action="check", model=GradeCheck)


class UnitCheckForm(PurposeMixin, ScopedForm):
    """A bank's check: the ID number is the action's to read (only with the resident's consent on record)."""

    unit = forms.ModelChoiceField(queryset=None, label=_("查询单位"), empty_label=_("请选择"))
    id_number = IdNumberField()
    field_order = ["unit", "purpose", "id_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.user_units(user=self.user)


class ConsentForm(PurposeMixin, CreditForm):
    unit = forms.ModelChoiceField(queryset=None, label=_("授权单位"), empty_label=_("请选择"))
    valid_until = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=_("授权凭证"), max_length=200, help_text=_("如签字授权书编号"))
    field_order = ["unit", "purpose", "valid_until", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.consent_units()


class StaffConsentForm(ConsentForm):
    id_number = ResidentByIdNumberField(action="add", model=Consent, help_text=_("授权居民的身份证号"))


class WorkerForm(CreditForm):
    id_number = ResidentByIdNumberField(action="add", model=DomesticWorker, help_text=_("家嫂本人的身份证号"))
    skills = forms.CharField(label=_("技能"), max_length=200, help_text=_("用顿号或逗号分隔，如：育婴、保洁、护理"))
    certificates = forms.CharField(label=_("证书"), max_length=200, required=False)
    stars = forms.IntegerField(label=_("星级"), min_value=1, max_value=5)
    available = forms.BooleanField(label=_("可接单"), required=False, initial=True)


class WorkerEditForm(WorkerForm):
    id_number = None

    def __init__(self, *args, worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(skills=worker.skills, certificates=worker.certificates, stars=worker.stars,
                            available=worker.available)


class WorkerRequestForm(ScopedForm):
    region = forms.ModelChoiceField(queryset=None, label=_("服务范围"), empty_label=_("请选择"))
    employer = forms.CharField(label=_("雇主"), max_length=60)
    skill = forms.CharField(label=_("所需技能"), max_length=30)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service area: the county, a township or a village (not a group or a building).
        self.fields["region"].queryset = region_list(user=self.user).filter(
            level__lte=Region.Level.VILLAGE).order_by("path")


def parse_record_types(text: str) -> list[dict]:
    """Lines of "名称 分值" (e.g. "参加志愿服务 +2") -> [{name, points}]."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, points = line.rpartition(" ")
        try:
            out.append({"name": name.strip(), "points": int(points)})
        except ValueError as exc:
            raise forms.ValidationError(_("记录类型“%(l)s”格式不对：每行写“名称 分值”，如“参加志愿服务 +2”。") % {"l": line}) from exc
        if not name.strip():
            raise forms.ValidationError(_("记录类型“%(l)s”缺少名称。") % {"l": line})
    return out


class StandardForm(forms.Form):
    """The county's standard editor: a new version, starting from the one in force."""

    version = forms.IntegerField(label=_("版本号"), min_value=1)
    name = forms.CharField(label=_("名称"), max_length=100)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    record_valid_days = forms.IntegerField(label=_("记录有效期（天）"), min_value=1)
    notice_days = forms.IntegerField(label=_("公示天数"), min_value=1)
    household_rule = forms.ChoiceField(choices=Standard.HouseholdRule.choices, label=_("信用户评定规则"))
    aaa = forms.IntegerField(label=_("AAA 最低总分"))
    aa = forms.IntegerField(label=_("AA 最低总分"))
    a = forms.IntegerField(label=_("A 最低总分"))
    b = forms.IntegerField(label=_("B 最低总分"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in CRITERION_ORDER:
            label = CriterionCode(code).label
            self.fields[f"{code}_name"] = forms.CharField(label=_("%(c)s · 名称") % {"c": label}, max_length=50)
            self.fields[f"{code}_base"] = forms.IntegerField(label=_("%(c)s · 基础分") % {"c": label})
            self.fields[f"{code}_floor"] = forms.IntegerField(label=_("%(c)s · 最低分") % {"c": label})
            self.fields[f"{code}_ceiling"] = forms.IntegerField(label=_("%(c)s · 最高分") % {"c": label})
            self.fields[f"{code}_types"] = forms.CharField(
                label=_("%(c)s · 记录类型") % {"c": label}, widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("每行一种：名称 分值，如“参加志愿服务 +2”"))

    @staticmethod
    def initial_from(payload: dict, version: int) -> dict:
        initial = {"version": version, "name": payload["name"], "record_valid_days": payload["record_valid_days"],
                   "notice_days": payload["notice_days"], "household_rule": payload["household_rule"],
                   **payload["thresholds"]}
        for c in payload["criteria"]:
            code = c["code"]
            initial.update({f"{code}_name": c["name"], f"{code}_base": c["base"], f"{code}_floor": c["floor"],
                            f"{code}_ceiling": c["ceiling"],
                            f"{code}_types": "\n".join(f"{rt['name']} {rt['points']:+d}" for rt in c["record_types"])})
        return initial

    def payload(self) -> dict:
        d = self.cleaned_data
        criteria = []
        for code in CRITERION_ORDER:
            criteria.append({"code": code, "name": d[f"{code}_name"], "base": d[f"{code}_base"],
                             "floor": d[f"{code}_floor"], "ceiling": d[f"{code}_ceiling"],
                             "record_types": parse_record_types(d[f"{code}_types"])})
        return {"version": d["version"], "name": d["name"], "effective_from": d["effective_from"],
                "record_valid_days": d["record_valid_days"], "notice_days": d["notice_days"],
                "household_rule": d["household_rule"],
                "thresholds": {k: d[k] for k in ("aaa", "aa", "a", "b")}, "criteria": criteria}
