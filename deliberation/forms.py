from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.forms import RegionChoiceField, ResidentLookupField, ScopedForm, scoped_regions
from governance.models import Region
from governance.selectors import region_list

from . import links, selectors
from .models import (MEETING_STAGES, PUBLIC_STAGES, VOTING_STAGES, Council, CouncilMember, LedgerLine, LedgerMonth,
                     SelfBuildProject, Topic, VillageCharter)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if timezone.is_aware(value) else value.strftime("%Y-%m-%dT%H:%M")
        return value


def _dt_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeInput(),
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name if obj.parent_id else ''} {obj.name}"


class TopicForm(ScopedForm):
    """A topic convened (or a draft edited: its village stays)."""

    region = RegionChoiceField(queryset=Region.objects.none(), label=_("村/社区"), empty_label=_("请选择"))
    title = forms.CharField(label=_("议题"), max_length=200)
    background = forms.CharField(label=_("背景与材料"), widget=forms.Textarea(attrs={"rows": 6}))
    kind = forms.ChoiceField(label=_("表决方式"), choices=Topic.Kind.choices)
    options = forms.CharField(label=_("选项（多选一时填写，每行一个）"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    eligible_groups = GroupChoiceField(queryset=Region.objects.none(), required=False, label=_("参与的村民小组"),
                                       help_text=_("不选则全村年满18周岁的村民均可参与。"),
                                       widget=forms.SelectMultiple(attrs={"size": 6}))
    opens_at = _dt_field(_("线上/远程议事开始"))
    closes_at = _dt_field(_("线上/远程议事截止"))
    meeting_at = _dt_field(_("现场会议时间"), required=False)
    meeting_place = forms.CharField(label=_("现场会议地点"), max_length=200, required=False)
    quorum_percent = forms.IntegerField(label=_("参与率要求（%）"), initial=50,
                                        help_text=_("参与表决的村民占有表决权村民的最低比例，1–100。"))
    majority_percent = forms.IntegerField(label=_("通过比例（%）"), initial=50,
                                          help_text=_("得票须超过参与表决人数的该比例，50即过半数，最高99。"))
    secret = forms.BooleanField(label=_("无记名投票"), required=False,
                                help_text=_("只记录谁参与了表决，不记录谁投了什么；结果在表决结束后公布，投票后不能更改。"
                                            "现场会议用纸质选票，计票后登记各选项票数。"))

    def __init__(self, *args, instance: Topic | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        villages = scoped_regions(self.user, [Region.Level.VILLAGE], "add", Topic)
        self.fields["region"].queryset = villages
        self.fields["eligible_groups"].queryset = region_list(user=self.user).filter(
            parent__in=villages if instance is None else [instance.region_id],
            level=Region.Level.GROUP).select_related("parent").order_by("path")
        if instance is not None:
            del self.fields["region"]  # a topic stays in its village
            self.initial.update(
                title=instance.title, background=instance.background, kind=instance.kind,
                options="\n".join(o.label for o in instance.options.all()) if instance.kind == Topic.Kind.CHOICE else "",
                eligible_groups=list(instance.eligible_groups.values_list("pk", flat=True)),
                opens_at=instance.opens_at, closes_at=instance.closes_at, meeting_at=instance.meeting_at,
                meeting_place=instance.meeting_place, quorum_percent=instance.quorum_percent,
                majority_percent=instance.majority_percent, secret=instance.secret)
        elif villages.count() == 1:
            self.initial.setdefault("region", villages.first().pk)

    def clean_options(self) -> list[str]:
        """One option a line (a choice topic); a proposal's are 同意/反对/弃权."""
        return [line.strip() for line in (self.cleaned_data.get("options") or "").splitlines() if line.strip()]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("我要发言"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(ScopedForm):
    """The villager's ballot: one option of the topic, cast once the villager confirmed it (`confirmed`,
    set by the confirmation page; without it the view asks first)."""

    option = forms.ModelChoiceField(queryset=None, label=_("我的表决"), widget=forms.RadioSelect,
                                    error_messages={"required": _("请选择一个选项。"),
                                                    "invalid_choice": _("请选择本议题的一个选项。")})
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, topic: Topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = selectors.topic_options(user=self.user, topic=topic)
        self.chosen = None

    def clean(self):
        data = super().clean()
        if data.get("option") is not None:
            self.chosen = data.pop("option")
            data["option_id"] = self.chosen.pk  # the action reads the option under the topic's lock
        return data


class SignInForm(forms.Form):
    """The meeting's sign-in sheet: the villagers ticked (the action checks each is in scope and eligible)."""

    residents = forms.TypedMultipleChoiceField(label=_("签到村民"), coerce=int, choices=(),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = [(r.pk, r.name) for r in sheet]

    def clean(self):
        data = super().clean()
        if "residents" in data:
            data["resident_ids"] = data.pop("residents")
        return data


class HandTallyForm(ScopedForm):
    """The show-of-hands count per option and the minutes, recorded together."""

    minutes = forms.CharField(label=_("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, topic: Topic, **kwargs):
        super().__init__(*args, **kwargs)
        current = selectors.hand_tally_counts(user=self.user, topic=topic)
        self.option_fields = []
        for o in topic.options.all():
            name = f"option_{o.pk}"
            label = _("“%(o)s”票数（现场纸质选票）") if topic.secret else _("“%(o)s”举手人数")
            self.fields[name] = forms.IntegerField(label=label % {"o": o.label}, min_value=0,
                                                   initial=current.get(o.pk, 0))
            self.option_fields.append((o.pk, name))
        self.fields["minutes"].initial = topic.minutes
        self.order_fields([n for _, n in self.option_fields] + ["minutes"])

    def clean(self):
        data = super().clean()
        return {"counts": {pk: data.get(name) for pk, name in self.option_fields}, "minutes": data.get("minutes", "")}


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("决议内容"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("记录后即向全村公布。"))


class ResolutionLinkForm(ScopedForm):
    target = forms.ChoiceField(label=_("落实事项"), help_text=_("可关联您可查看的微实事、服务订单、中心事项。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("请选择"))] + links.target_choices(self.user)

    def clean(self):
        """"<content type id>:<object id>" — the action finds it among what the user may see."""
        data = super().clean()
        if data.get("target"):
            ct, _sep, obj = data.pop("target").partition(":")
            if not ct.isdigit():
                raise forms.ValidationError({"target": _("所选的落实事项不存在，或不在您可查看的范围内。")})
            data.update(content_type_id=int(ct), object_id=obj)
        return data


class SupervisionNoteForm(forms.Form):
    body = forms.CharField(label=_("监督记录"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CouncilForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("村/社区"), empty_label=_("请选择"))
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Council.Kind.choices)
    duties = forms.CharField(label=_("职责"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = scoped_regions(self.user, [Region.Level.VILLAGE], "add", Council)
        self.fields["region"].queryset = villages
        if villages.count() == 1:
            self.initial.setdefault("region", villages.first().pk)


class CouncilMemberForm(ScopedForm):
    """A villager joins a council: typed in by ID number (a village has too many for a drop-down)."""

    resident = ResidentLookupField(label=_("村民"), help_text=_("输入本村村民（含外出村民）的18位身份证号"))
    role = forms.ChoiceField(label=_("职务"), choices=CouncilMember.Role.choices)
    term_start = forms.DateField(label=_("任期开始"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label=_("任期结束"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        field.queryset, field.actor = selectors.village_members(user=self.user, council=council), self.user
        self.initial.setdefault("term_start", timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("resident") is not None:
            data["resident_id"] = data.pop("resident").pk  # the action checks membership under its lock
        return data


class ProposalForm(forms.Form):
    """A villager's proposal to their own village (the village comes from who they are)."""

    title = forms.CharField(label=_("提议事项"), max_length=200)
    body = forms.CharField(label=_("提议内容与理由"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("写清楚要办什么、为什么、大概怎么办。提交后本村村民可以附议。"))


class ProposalScheduleForm(forms.Form):
    """The village office puts a qualified proposal on the agenda: its decision and reason, and the topic's
    window (the topic is created as a draft to be completed and published)."""

    decision = forms.CharField(label=_("决定与理由"), widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("请写明列入议程的决定和理由（何时、以何种方式议事）。")},
                               help_text=_("向全村公布：何时、以何种方式议事，以及理由。"))
    opens_at = _dt_field(_("线上/远程议事开始"))
    closes_at = _dt_field(_("线上/远程议事截止"))
    meeting_at = _dt_field(_("现场会议时间"), required=False)
    meeting_place = forms.CharField(label=_("现场会议地点"), max_length=200, required=False)
    secret = forms.BooleanField(label=_("无记名投票"), required=False)


class VillageCharterForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("村/社区"), empty_label=_("请选择"))
    proposal_support_percent = forms.IntegerField(label=_("提议附议比例（%）"), min_value=1, max_value=100,
                                                  initial=VillageCharter.DEFAULT_PERCENT,
                                                  help_text=_("附议的村民达到有表决权村民的该比例，理事会必须将提议列入议程。"))
    proposal_window_days = forms.IntegerField(label=_("征集附议天数"), min_value=1, max_value=365,
                                              initial=VillageCharter.DEFAULT_DAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = scoped_regions(self.user, [Region.Level.VILLAGE], "change", VillageCharter)
        self.fields["region"].queryset = villages
        if villages.count() == 1:
            village = villages.first()
            charter = selectors.charter_of(village)
            self.initial.setdefault("region", village.pk)
            self.initial.setdefault("proposal_support_percent", charter.proposal_support_percent)
            self.initial.setdefault("proposal_window_days", charter.proposal_window_days)


class ProcedureStepForm(forms.Form):
    """One step of 四议两公开: the meeting's numbers where it meets and votes, its minutes or what is published."""

    held_at = _dt_field(_("会议/公开时间"))
    expected = forms.IntegerField(label=_("应到人数"), min_value=1, required=False)
    present = forms.IntegerField(label=_("实到人数"), min_value=0, required=False)
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0, required=False)
    summary = forms.CharField(label=_("纪要摘要 / 公开内容"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("附件（会议记录、签到表照片或公示照片，可选）"), required=False)

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        if stage not in MEETING_STAGES:
            for name in ("expected", "present"):
                del self.fields[name]
        if stage not in VOTING_STAGES:
            for name in ("votes_for", "votes_against", "votes_abstain"):
                del self.fields[name]
        if stage in PUBLIC_STAGES:
            self.fields["summary"].label = _("向全村公开的内容")
            self.fields["summary"].help_text = _("公开后发送给本村每位有账号的村民，并在议题页面展示。")
        self.initial.setdefault("held_at", timezone.localtime().replace(second=0, microsecond=0))


class LedgerLineForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("村/社区"), empty_label=_("请选择"))
    kind = forms.ChoiceField(label=_("收支"), choices=LedgerLine.Kind.choices)
    category = forms.ChoiceField(label=_("类别"), choices=LedgerLine.Category.choices)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2,
                                help_text=_("更正记录可填负数冲减原记录。"))
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("记入该日期所在的月份；已公开的月份不能再录入。"))
    counterparty = forms.CharField(label=_("收付对象"), max_length=100)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=40)
    voucher_summary = forms.CharField(label=_("凭证摘要"), max_length=300)
    corrects_id = forms.IntegerField(label=_("更正的记录编号（可选）"), required=False, min_value=1,
                                     help_text=_("更正已公开的记录时填写原记录编号（明细中的#号）。"))

    def __init__(self, *args, month: LedgerMonth | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        villages = scoped_regions(self.user, [Region.Level.VILLAGE], "add", LedgerMonth)
        self.fields["region"].queryset = villages
        if month is not None:
            self.initial.setdefault("region", month.region_id)
        elif villages.count() == 1:
            self.initial.setdefault("region", villages.first().pk)
        self.initial.setdefault("occurred_on", timezone.localdate())


class LedgerQuestionForm(forms.Form):
    body = forms.CharField(label=_("我的问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class LedgerAnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))


class SelfBuildForm(ScopedForm):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("村/社区"), empty_label=_("请选择"))
    name = forms.CharField(label=_("项目名称"), max_length=200)
    description = forms.CharField(label=_("建设内容"), widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("预算（元）"), max_digits=12, decimal_places=2, min_value=0)
    decided_on = forms.DateField(label=_("村民会议决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.CharField(label=_("村民会议决定"), widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("会议名称、到会人数、表决结果，决定自建自管。"))
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), required=False, label=_("议事议题（可选）"),
                                   empty_label=_("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = scoped_regions(self.user, [Region.Level.VILLAGE], "add", SelfBuildProject)
        self.fields["region"].queryset = villages
        self.fields["topic"].queryset = selectors.topic_list(user=self.user).filter(
            status=Topic.Status.CLOSED, region__in=villages)
        if villages.count() == 1:
            self.initial.setdefault("region", villages.first().pk)


class SelfBuildWorkForm(forms.Form):
    worked_on = forms.DateField(label=_("施工日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.DecimalField(label=_("天数"), max_digits=5, decimal_places=1, min_value=0)
    people = forms.IntegerField(label=_("人数"), min_value=0)
    note = forms.CharField(label=_("工作内容"), max_length=300)
    materials = forms.CharField(label=_("材料"), max_length=300, required=False)
    material_cost = forms.DecimalField(label=_("材料费用（元）"), max_digits=12, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("worked_on", timezone.localdate())


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))
