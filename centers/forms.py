"""Browser forms; choice lists come from the user's scoped selectors, and every form that offers them is a
governance.forms.ScopedForm (its model choices restricted for the user after __init__). Field names are the
actions' parameters."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import selectors as core
from governance.forms import ScopedForm, ScopedLookupField
from governance.models import Region

from . import selectors
from .models import (
    CommitteePost,
    CommitteeSeat,
    LeadGooseMeasure,
    OperatingMode,
    PartyMember,
    PartyOrganization,
    PioneerPost,
    ReserveCadre,
    StaffAssignment,
    TrainingLevel,
)


class PickField(forms.ModelChoiceField):
    """A drop-down of model choices whose empty choice says 请选择."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(*args, **kwargs)


class UserChoiceField(PickField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AssignForm(ScopedForm):
    assignee = UserChoiceField(label=_("承办干部"), queryset=None)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.staff_users(user=self.user, township=item.township)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("办结说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ModeSwitchForm(forms.Form):
    to_mode = forms.ChoiceField(label=_("切换为"), choices=OperatingMode.choices)
    reason = forms.CharField(label=_("切换原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class StaffAssignForm(ScopedForm):
    user = UserChoiceField(label=_("干部"), queryset=None)
    center = PickField(label=_("派驻中心"), queryset=None)
    start_date = forms.DateField(label=_("起始日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    original_unit = forms.CharField(label=_("原单位"), max_length=100, required=False,
                                    help_text=_("首次派驻时填写；调整中心时沿用首次登记，不会改写。"))
    original_post = forms.CharField(label=_("原职务"), max_length=100, required=False)
    establishment = forms.ChoiceField(label=_("编制性质"), choices=[("", "—")] + StaffAssignment.Establishment.choices,
                                      required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.township_cadres(user=self.user)
        self.fields["center"].queryset = selectors.center_list(user=self.user)


class ClusterForm(ScopedForm):
    township = PickField(label=_("乡镇/街道"), queryset=None)
    name = forms.CharField(label=_("片区名称"), max_length=60)
    leader = UserChoiceField(label=_("片长"), queryset=None, required=False)
    cadres = UserMultipleChoiceField(label=_("片区干部"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = selectors.townships(user=self.user)
        self.fields["leader"].queryset = self.fields["cadres"].queryset = selectors.staff_users(user=self.user)


class ContactForm(ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    cadre = UserChoiceField(label=_("联系干部"), queryset=None)
    cluster = PickField(label=_("片区"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)
        self.fields["cadre"].queryset = selectors.staff_users(user=self.user)
        self.fields["cluster"].queryset = selectors.cluster_list(user=self.user)


class MemberChoiceField(PickField):
    def label_from_instance(self, obj):
        return f"{obj.resident.name}（{obj.get_membership_display()}·{obj.region.name}）"


class MemberLookupField(ScopedLookupField):
    """A party member by name — or, where two share the name, by ID number — for users whose scope holds
    more members than a drop-down can show (a township: thousands; the county: tens of thousands)."""

    default_error_messages = {
        "not_found": _("未找到“%(n)s”，或其不在可选范围内。"),
        "ambiguous": _("有多名“%(n)s”，请改填其18位身份证号。"),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("help_text", _("填写党员姓名；重名时填写身份证号"))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value.resident.name if isinstance(value, PartyMember) else value

    def find(self, value):
        from django.core.exceptions import ValidationError

        from governance import pii

        if len(value) == 18 and value[:17].isdigit():
            try:
                number = pii.parse_id_number(value).value
            except ValidationError as exc:
                raise ValidationError(exc.messages)
            found = self.find_by_id_number(number, hash_path="resident__id_hash")
            matches = [found] if found else []
        else:
            matches = list(self.queryset.filter(resident__name=value)[:2])
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"n": value})
        return matches[0] if matches else None


MEMBER_SELECT_LIMIT = 300


def member_field(queryset, *, actor, **kwargs) -> forms.Field:
    """A drop-down where the members to choose from fit in one (a village), a name otherwise (a township,
    the county). Costs one bounded count (LIMIT 301)."""
    if queryset.order_by()[:MEMBER_SELECT_LIMIT + 1].count() <= MEMBER_SELECT_LIMIT:
        return MemberChoiceField(queryset=queryset, **kwargs)
    rule = kwargs.pop("help_text", "")
    hint = str(_("填写党员姓名；重名时填写身份证号"))
    return MemberLookupField(queryset=queryset, actor=actor, help_text=f"{rule} · {hint}" if rule else hint, **kwargs)


class ResidentChoiceField(PickField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_masked}）"


class ResidentMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class ResidentByNameMixin:
    """Find the resident named in `resident_name` inside the chosen village (scoped): the action receives
    `resident` (the name is consumed)."""

    def clean(self):
        data = super().clean()
        village, name = data.get("village"), data.get("resident_name")
        if village and name:
            matches = list(core.resident_list(user=self.user).filter(
                region__path__startswith=village.path, name=name.strip()).select_related("region")[:2])
            if not matches:
                self.add_error("resident_name", _("在%(v)s找不到名为“%(n)s”的居民。") % {"v": village.name, "n": name})
            elif len(matches) > 1:
                self.add_error("resident_name", _("%(v)s有多名“%(n)s”，请在居民页面核对后再登记。") % {"v": village.name, "n": name})
            else:
                data["resident"] = matches[0]
        data.pop("resident_name", None)
        return data


class CandidateForm(ResidentByNameMixin, ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    resident_name = forms.CharField(label=_("申请人姓名"), max_length=50)
    organization = PickField(label=_("培养支部"), queryset=None)
    applied_on = forms.DateField(label=_("递交申请日期"), widget=forms.DateInput(attrs={"type": "date"}))
    mentor = MemberChoiceField(label=_("培养联系人（导师）"), queryset=None, help_text=_("须是正式党员"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)
        self.fields["organization"].queryset = selectors.party_organization_list(user=self.user)
        self.fields["mentor"] = member_field(selectors.party_member_list(user=self.user).filter(active=True), actor=self.user,
                                             label=self.fields["mentor"].label, help_text=self.fields["mentor"].help_text)


class ProposeForm(forms.Form):
    step_date = forms.DateField(label=_("拟进入日期"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("培养考察情况"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class OverrideForm(forms.Form):
    override_reason = forms.CharField(
        label=_("审批理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请人的信用等级不符合县里规定的要求。说明为什么仍然审批：记录在案，县级备案时和本人查询时可见。"))


class ReserveForm(ResidentByNameMixin, ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    resident_name = forms.CharField(label=_("姓名"), max_length=50)
    kind = forms.ChoiceField(label=_("类别"), choices=ReserveCadre.Kind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)


class AttendanceForm(ScopedForm):
    residents = ResidentMultipleField(label=_("参训人员"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("勾选本次到课的两委干部和后备干部；已登记的会自动跳过。"))

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].queryset = selectors.attendance_candidates(user=self.user, session=session)


class SessionForm(ScopedForm):
    course = PickField(label=_("课程"), queryset=None)
    region = PickField(label=_("举办区域"), queryset=None)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, min_value=0.5, max_value=24)
    location = forms.CharField(label=_("地点"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.course_list(user=self.user)
        self.fields["region"].queryset = core.region_list(user=self.user).filter(level__lte=Region.Level.VILLAGE)


class CourseForm(ScopedForm):
    title = forms.CharField(label=_("课程名称"), max_length=120)
    level = forms.ChoiceField(label=_("培训层级"), choices=TrainingLevel.choices)
    region = PickField(label=_("主办区域"), queryset=None)
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core.region_list(user=self.user).filter(level__lte=Region.Level.TOWNSHIP)


class CommitteePostForm(ResidentByNameMixin, ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    resident_name = forms.CharField(label=_("姓名"), max_length=50)
    body = forms.ChoiceField(label=_("组织"), choices=CommitteePost.Body.choices)
    post = forms.ChoiceField(label=_("职务"), choices=CommitteePost.Post.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)


class RatingForm(ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    exam_theory = forms.DecimalField(label=_("理论考试"), max_digits=5, decimal_places=1)
    exam_practice = forms.DecimalField(label=_("实务考试"), max_digits=5, decimal_places=1)
    evaluation = forms.DecimalField(label=_("综合评议"), max_digits=5, decimal_places=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)


class LeadGooseForm(ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    measure = PickField(label=_("措施"), queryset=LeadGooseMeasure.objects.none())
    done = forms.BooleanField(label=_("已落实"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)
        self.fields["measure"].queryset = selectors.lead_goose_measure_list(user=self.user).filter(active=True)


class StageRuleForm(forms.Form):
    min_days = forms.IntegerField(label=_("最短间隔（天）"), min_value=0, max_value=3650)
    basis = forms.CharField(label=_("依据"), max_length=200, required=False)


class StarRuleForm(forms.Form):
    min_exam_average = forms.DecimalField(label=_("两考平均分不低于"), max_digits=5, decimal_places=1)
    min_evaluation = forms.DecimalField(label=_("一评得分不低于"), max_digits=5, decimal_places=1)


class TrainingRequirementForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    hours = forms.DecimalField(label=_("年度应完成学时"), max_digits=5, decimal_places=1)


class MeasureForm(forms.Form):
    name = forms.CharField(label=_("措施"), max_length=120)


class PartyOrganizationForm(ScopedForm):
    region = PickField(label=_("所在区域"), queryset=None,
                                    help_text=_("街道“大工委”设在街道，社区“大党委”设在社区。"))
    name = forms.CharField(label=_("组织名称"), max_length=100)
    kind = forms.ChoiceField(label=_("组织类型"), choices=PartyOrganization.Kind.choices,
                             initial=PartyOrganization.Kind.BRANCH)
    parent = PickField(label=_("上级组织"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core.region_list(user=self.user).filter(
            level__lte=Region.Level.VILLAGE).order_by("path")
        self.fields["parent"].queryset = selectors.party_organization_list(user=self.user)


class CommitteeSeatForm(ScopedForm):
    person_name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.CharField(label=_("职务"), max_length=50, initial=CommitteeSeat._meta.get_field("title").default)
    part_time = forms.BooleanField(label=_("兼职委员"), required=False,
                                   help_text=_("来自共驻共建单位的兼职委员须选择其所在单位。"))
    unit = PickField(label=_("所在单位"), queryset=None, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.co_building_units(organization=organization)


class PartyMemberForm(ResidentByNameMixin, ScopedForm):
    village = PickField(label=_("村/社区"), queryset=None)
    resident_name = forms.CharField(label=_("姓名"), max_length=50)
    organization = PickField(label=_("所在支部"), queryset=None)
    membership = forms.ChoiceField(label=_("党员类别"), choices=PartyMember.Membership.choices)
    joined_on = forms.DateField(label=_("入党日期"), widget=forms.DateInput(attrs={"type": "date"}))
    in_service = forms.BooleanField(label=_("在职党员"), required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.villages(user=self.user)
        self.fields["organization"].queryset = selectors.party_organization_list(user=self.user)


class PioneerPostForm(ScopedForm):
    region = PickField(label=_("节点"), queryset=None,
                                    help_text=_("网格长设在小区（网格），楼栋长设在楼栋。"))
    kind = forms.ChoiceField(label=_("岗位"), choices=PioneerPost.Kind.choices)
    member = MemberChoiceField(label=_("党员"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = core.region_list(user=self.user).filter(
            kind__in=[Region.Kind.SUBDISTRICT, Region.Kind.COMMUNITY, Region.Kind.COMPOUND, Region.Kind.BUILDING])
        self.fields["member"] = member_field(selectors.party_member_list(user=self.user).filter(active=True), actor=self.user,
                                             label=self.fields["member"].label)
