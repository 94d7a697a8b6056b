"""Pages of centers/: lists are a selector + filterset + columns; a page that performs a step is declared on
governance.generic (ActionFormView / ButtonView): the object the URL names, the form, the one action, the
success message. Detail pages offer the steps their rules (centers/rules.py) allow."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance import selectors as core
from governance.generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from governance.models import Region
from governance.scoping import COUNTY, TOWNSHIP, load_for, region_allows

from . import actions, forms, rules, selectors
from . import filtersets as fs
from .models import OperatingMode, PipelineStep, Stage, STAGE_ORDER

LIST = "centers/list.html"


class ListPage(ObjectListView):
    template_name = LIST
    columns: list = []
    add_actions: list = []
    intro = ""
    export_key: str | None = None  # an Export registered in centers/exports.py: the list's Excel button

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["columns"] = self.columns
        ctx["intro"] = self.intro
        ctx["export_key"] = self.export_key
        ctx["actions"] = [(label, reverse(name)) for label, name in self.add_actions]
        return ctx


def _region_param(request) -> Region | None:
    """`?region=<id>` (as the dashboard links it) → that region if the user may see it; 404 otherwise."""
    value = request.GET.get("region", "")
    if not value:
        return None
    return load_for(core.region_list(user=request.user), request.user, value)


# --- Work queue ---------------------------------------------------------------------------------

class WorkItemListView(ListPage):
    selector = selectors.work_item_list
    filterset_class = fs.WorkItemFilterSet
    title = _("中心事项队列")
    intro = _("本乡镇（街道）四大中心的事项，按办理时限排序。平时按分工由所属中心承办；紧时有统筹由主要负责人统一调度。")
    columns = [(_("标题"), "title"), (_("乡镇/街道"), "township.name"), (_("承办中心"), "center.get_kind_display"),
               (_("类别"), "category.name"), (_("状态"), "get_status_display"), (_("办理时限"), "deadline"),
               (_("承办人"), "assignee")]

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET.get("status"):
            qs = qs.exclude(status="done")
        return qs


class WorkItemDetailView(ObjectDetailView):
    selector = selectors.work_item_list
    template_name = "centers/work_item_detail.html"
    context_object_name = "item"
    rules = rules.WORK_ITEM  # 我来承办 / 指派 / 办结 exactly when the actions would allow them

    def get_object(self, queryset=None):
        item = super().get_object(queryset)
        item.mode = actions.township_mode(item.township)  # the take rule reads it
        return item

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["mode"] = OperatingMode(self.object.mode)
        return ctx


class WorkItemStepView(ActionFormView):
    """One step on one work item, declared by its rule (centers/rules.py)."""

    object_selector = selectors.work_item_list
    object_arg = "item_id"
    step = ""

    def get_title(self):
        return f"{rules.WORK_ITEM[self.step].label} · {self.object.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.WORK_ITEM[self.step].label}


class WorkItemTakeView(WorkItemStepView, ButtonView):
    step, action = "take", actions.work_item_take
    success_message = _("已承办该事项。")


class WorkItemAssignView(WorkItemStepView):
    step, action = "assign", actions.work_item_assign
    form_class, form_object_arg = forms.AssignForm, "item"
    success_message = _("已指派。")


class WorkItemCompleteView(WorkItemStepView):
    """办结: one click on the item's page; opened directly, the page also takes a note for the log."""

    step, action, form_class = "complete", actions.work_item_complete, forms.NoteForm
    success_message = _("事项已办结。")


# --- Staff, mode, clusters ----------------------------------------------------------------------

class AssignmentListView(ListPage):
    selector = selectors.staff_assignment_list
    filterset_class = fs.StaffAssignmentFilterSet
    title = _("中心派驻干部")
    intro = _("干部集中到中心办公，原单位、原职务和编制性质保持不变；每次调整都留有记录。")
    add_actions = [(_("派驻/调整"), "centers:assignment_add")]
    columns = [(_("干部"), "user"), (_("派驻中心"), "center"), (_("原单位"), "original_unit"), (_("原职务"), "original_post"),
               (_("编制性质"), "get_establishment_display"), (_("起始日期"), "start_date"), (_("结束日期"), "end_date")]


class AssignmentCreateView(ActionFormView):
    form_class = forms.StaffAssignForm
    action = actions.staff_assign
    title = _("派驻干部到中心")
    submit_label = _("派驻")
    success_message = _("已保存派驻。")
    success_url = "centers:assignment_list"


class ModeSwitchView(ActionFormView):
    object_selector = selectors.townships
    object_arg = "township"
    action = actions.township_mode_switch
    form_class = forms.ModeSwitchForm
    submit_label = _("切换")
    success_message = _("运行模式已切换，并已记入日志。")  # then the township's page

    def get_initial(self):
        current = actions.township_mode(self.object)
        return {"to_mode": OperatingMode.COORDINATED if current == OperatingMode.NORMAL else OperatingMode.NORMAL}

    def get_title(self):
        mode = OperatingMode(actions.township_mode(self.object))
        return _("切换运行模式：%(t)s（当前：%(m)s）") % {"t": self.object.name, "m": mode.label}


class ClusterListView(ListPage):
    selector = selectors.cluster_list
    title = _("联片包村")
    intro = _("乡镇干部按片区分组，每个村有且只有一名联系干部。")
    add_actions = [(_("新建片区"), "centers:cluster_add"), (_("设置联系干部"), "centers:contact_add")]
    columns = [(_("片区"), "name"), (_("乡镇/街道"), "township.name"), (_("片长"), "leader"),
               (_("联系村数"), "village_count")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["contacts"] = selectors.village_contact_list(user=self.request.user)[:500]
        return ctx

    template_name = "centers/cluster_list.html"


class ClusterCreateView(ActionFormView):
    form_class = forms.ClusterForm
    action = actions.cluster_create
    title = _("新建片区")
    success_message = _("已新建片区。")
    success_url = "centers:cluster_list"


class ContactCreateView(ActionFormView):
    form_class = forms.ContactForm
    action = actions.village_contact_set
    title = _("设置包村联系干部")
    success_message = _("已设置联系干部。")  # then the township's page


class ContactRemoveView(ActionFormView):
    object_selector = selectors.village_contact_list
    object_arg = "contact_id"
    action = actions.village_contact_remove
    form_class = forms.ReasonForm
    title = _("解除包村联系：%(object)s")
    submit_label = _("解除联系")
    success_message = _("已解除联系。")
    success_url = "centers:cluster_list"


# --- Party organisations and members ---------------------------------------------------------------

class OrganizationListView(ListPage):
    selector = selectors.party_organization_list
    filterset_class = fs.PartyOrganizationFilterSet
    title = _("党组织")
    add_actions = [(_("新建党组织"), "centers:organization_add")]
    columns = [(_("组织名称"), "name"), (_("组织类型"), "get_kind_display"), (_("所在区域"), "region.name"),
               (_("所在中心"), "center"), (_("上级组织"), "parent.name"), (_("书记"), "secretary.resident.name"),
               (_("党员数"), "member_count")]


class OrganizationDetailView(ObjectDetailView):
    selector = selectors.party_organization_list
    template_name = "centers/organization_detail.html"
    context_object_name = "org"
    rules = rules.ORGANIZATION  # 添加委员 / 移出 for the organisation's managers

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["seats"] = selectors.committee_seat_list(user=user).filter(organization=self.object)
        ctx["children"] = selectors.party_organization_list(user=user).filter(parent=self.object)
        ctx["members"] = selectors.party_member_list(user=user).filter(organization=self.object, active=True)[:200]
        ctx["can_manage"] = "seat_add" in ctx["verbs"]
        return ctx


class OrganizationCreateView(ActionFormView):
    form_class = forms.PartyOrganizationForm
    action = actions.party_organization_create
    title = _("新建党组织")
    success_message = _("已新建党组织。")


class SeatCreateView(ActionFormView):
    """换届 or a new co-building unit's part-time member: one seat on the organization's committee."""

    object_selector = selectors.party_organization_list
    object_arg = form_object_arg = "organization"
    action = actions.committee_seat_add
    form_class = forms.CommitteeSeatForm
    title = _("添加委员：%(object)s")
    submit_label = _("添加委员")
    success_message = _("已添加委员。")  # then the organisation's page


class SeatRemoveView(ActionFormView):
    object_selector = selectors.committee_seat_list
    object_arg = "seat_id"
    action = actions.committee_seat_remove
    form_class = forms.ReasonForm
    submit_label = _("移出")
    success_message = _("已移出委员。")  # then the organisation's page

    def get_title(self):
        return _("移出委员：%(n)s（%(o)s）") % {"n": self.object.person_name, "o": self.object.organization.name}


class MemberListView(ListPage):
    selector = selectors.party_member_list
    filterset_class = fs.PartyMemberFilterSet
    title = _("党员")
    export_key = "party_members"
    add_actions = [(_("登记党员"), "centers:member_add")]
    columns = [(_("姓名"), "resident.name"), (_("身份证号"), "resident.id_masked"), (_("所在支部"), "organization.name"),
               (_("党员类别"), "get_membership_display"), (_("入党日期"), "joined_on"), (_("在职党员"), "in_service"),
               (_("工作单位"), "work_unit")]


class ResidentByNameView(ActionFormView):
    """A form that finds the resident by name inside the chosen village, for an action that takes the
    resident but not the village."""

    def action_kwargs(self, form) -> dict:
        kwargs = super().action_kwargs(form)
        kwargs.pop("village", None)
        return kwargs


class MemberCreateView(ResidentByNameView):
    form_class = forms.PartyMemberForm
    action = actions.party_member_create
    title = _("登记党员")
    success_message = _("已登记党员。")
    success_url = "centers:member_list"


class PioneerCreateView(ActionFormView):
    form_class = forms.PioneerPostForm
    action = actions.pioneer_post_assign
    title = _("设置邻里先锋岗")
    success_message = _("已设置先锋岗。")
    success_url = "centers:pioneer_list"


class PioneerListView(ListPage):
    selector = selectors.pioneer_post_list
    filterset_class = fs.PioneerPostFilterSet
    title = _("邻里先锋梯队")
    intro = _("县—街道—社区—小区（网格）—楼栋五级，每个节点都有党员先锋岗。")
    add_actions = [(_("设置先锋岗"), "centers:pioneer_add")]
    template_name = "centers/pioneer_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        communities = core.region_list(user=self.request.user).filter(kind=Region.Kind.COMMUNITY)
        gaps = []
        for community in communities[:30]:
            compounds, buildings = selectors.nodes_without_pioneer(user=self.request.user, community=community)
            compounds, buildings = list(compounds[:50]), list(buildings[:100])
            if compounds or buildings:
                gaps.append({"community": community, "compounds": compounds, "buildings": buildings})
        ctx["gaps"] = gaps
        return ctx
    columns = [(_("节点"), "region.name"), (_("岗位"), "get_kind_display"), (_("党员"), "member.resident.name"),
               (_("起始日期"), "since")]


# --- Pipeline -----------------------------------------------------------------------------------

class CandidateListView(ListPage):
    selector = selectors.candidate_list
    filterset_class = fs.CandidateFilterSet
    title = _("党员发展（村培镇管县备案）")
    intro = _("村级培养并提出每一步，乡镇审批，县委组织部备案；每一步须满规定的最短间隔。")
    add_actions = [(_("登记入党申请人"), "centers:candidate_add")]
    columns = [(_("姓名"), "resident.name"), (_("村/社区"), "village.name"), (_("当前阶段"), "get_stage_display"),
               (_("进入本阶段日期"), "stage_since"), (_("培养联系人（导师）"), "mentor.resident.name")]
    template_name = "centers/candidate_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        steps = selectors.pipeline_step_list(user=user)
        ctx["to_approve"] = steps.filter(status=PipelineStep.Status.PROPOSED)[:100]
        ctx["to_file"] = steps.filter(status=PipelineStep.Status.APPROVED)[:100]
        return ctx


class CandidateCreateView(ResidentByNameView):
    form_class = forms.CandidateForm
    action = actions.candidate_create
    title = _("登记入党申请人")
    success_message = _("已登记入党申请人。")  # then the candidate's page


class CandidateDetailView(ObjectDetailView):
    selector = selectors.candidate_list
    template_name = "centers/candidate_detail.html"
    context_object_name = "candidate"
    rules = rules.CANDIDATE  # 提出下一步 for the village secretary

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, cand = self.request.user, self.object
        steps = list(selectors.pipeline_step_list(user=user).filter(candidate=cand))
        readings = {}
        for g in selectors.gate_check_list(user=user).filter(step__candidate=cand):
            readings.setdefault(g.step_id, []).append(g)
        for step in steps:  # 审批 / 退回 / 备案 where each step's rule allows them (no query: roles and states)
            step.verbs = rules.PIPELINE_STEP.allowed(user, step)
            step.readings = readings.get(step.pk, [])
        ctx["steps"] = steps
        ctx["stages"] = [(s, Stage(s).label, STAGE_ORDER.index(s) <= STAGE_ORDER.index(cand.stage)) for s in STAGE_ORDER]
        nxt = cand.next_stage
        if nxt:
            required, waited = actions.stage_wait(cand, nxt, timezone.localdate())
            ctx["next"] = {"label": Stage(nxt).label, "required": required, "waited": waited,
                           "earliest": cand.stage_since + timezone.timedelta(days=required)}
        return ctx


class StepProposeView(ActionFormView):
    object_selector = selectors.candidate_list
    object_arg = "candidate_id"
    action = actions.step_propose
    form_class = forms.ProposeForm
    submit_label = _("提出")
    success_message = _("已提出，等待乡镇审批。")  # then the candidate's page

    def get_title(self):
        nxt = self.object.next_stage
        return _("提出发展步骤：%(n)s → %(s)s") % {"n": self.object.resident.name, "s": Stage(nxt).label if nxt else "—"}


class PipelineStepView(ActionFormView):
    """One decision on one pipeline step, declared by its rule (centers/rules.py); then the candidate's page."""

    object_selector = selectors.pipeline_step_list
    object_arg = "step_id"
    step = ""

    def get_title(self):
        return f"{rules.PIPELINE_STEP[self.step].label} · {self.object}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.PIPELINE_STEP[self.step].label}


class StepApproveView(PipelineStepView, ButtonView):
    step, action = "approve", actions.step_approve
    success_message = _("已审批。")


class StepApproveOverrideView(PipelineStepView):
    """The township approves a step whose applicant's grade is below the rule, stating why."""

    step, action, form_class = "approve_override", actions.step_approve, forms.OverrideForm
    success_message = _("已审批，理由已记录。")

    def get_title(self):
        last = selectors.gate_check_list(user=self.request.user).filter(step=self.object, passed=False).last()
        title = super().get_title()
        return f"{title}（{last.seen}，{last.rule}）" if last else title


class StepRejectView(PipelineStepView):
    step, action, form_class = "reject", actions.step_reject, forms.ReasonForm
    success_message = _("已退回。")


class StepFileView(PipelineStepView, ButtonView):
    step, action = "file", actions.step_file
    success_message = _("已备案。")


# --- Reserves -----------------------------------------------------------------------------------

class ReserveListView(ListPage):
    selector = selectors.reserve_list
    filterset_class = fs.ReserveCadreFilterSet
    title = _("后备干部和入党积极分子")
    intro = _("每个村（社区）常态保持不少于3名；人数随入库、出库即时更新。")
    add_actions = [(_("入库登记"), "centers:reserve_add")]
    columns = [(_("姓名"), "resident.name"), (_("村/社区"), "village.name"), (_("类别"), "get_kind_display"),
               (_("入库日期"), "since"), (_("出库日期"), "left_on"), (_("出库原因"), "left_reason")]
    template_name = "centers/reserve_list.html"

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if "active" in self.request.GET else qs.filter(left_on__isnull=True)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        within = _region_param(self.request)
        ctx["short"] = selectors.villages_short_of_reserves(user=self.request.user, within=within)[:300]
        return ctx


class ReserveCreateView(ActionFormView):
    form_class = forms.ReserveForm
    action = actions.reserve_add
    title = _("后备力量入库")
    submit_label = _("入库")
    success_message = _("已入库。")
    success_url = "centers:reserve_list"


class ReserveRemoveView(ActionFormView):
    object_selector = selectors.reserve_list
    object_arg = "reserve_id"
    action = actions.reserve_remove
    form_class = forms.ReasonForm
    title = _("后备力量出库")
    submit_label = _("出库")
    success_message = _("已出库。")
    success_url = "centers:reserve_list"


# --- Training -----------------------------------------------------------------------------------

class SessionListView(ListPage):
    selector = selectors.session_list
    filterset_class = fs.TrainingSessionFilterSet
    title = _("四级培训")
    export_key = "training_attendance"
    intro = _("高校、县委党校、片区中心校、农民夜校四级培训的班次与到课情况。")
    add_actions = [(_("新建课程"), "centers:course_add"), (_("新建班次"), "centers:session_add"),
                   (_("学时未达标"), "centers:training_behind")]
    columns = [(_("课程"), "course.title"), (_("培训层级"), "course.get_level_display"), (_("日期"), "date"),
               (_("学时"), "hours"), (_("举办区域"), "region.name"), (_("地点"), "location"), (_("到课人数"), "attendee_count")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["columns"] = [(label, acc) for label, acc in self.columns]
        return ctx


class SessionDetailView(ObjectDetailView):
    selector = selectors.session_list
    template_name = "centers/session_detail.html"
    context_object_name = "session"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["attendance"] = selectors.attendance_list(user=user).filter(session=self.object)
        ctx["export_query"] = f"session={self.object.pk}"
        if region_allows(user, self.object.region, COUNTY | TOWNSHIP):
            ctx["form"] = kwargs.get("form") or forms.AttendanceForm(user=user, session=self.object)
        return ctx


class AttendanceCreateView(ActionFormView):
    object_selector = selectors.session_list
    object_arg = form_object_arg = "session"
    action = actions.attendance_record_bulk
    form_class = forms.AttendanceForm
    title = _("批量登记到课")
    submit_label = _("登记到课")

    def get_success_url_for(self, added):
        # The message is the count the action returns (a fixed success_message cannot say it).
        messages.success(self.request, _("已登记%(n)d人到课。") % {"n": added})
        return self.object.get_absolute_url()


class SessionCreateView(ActionFormView):
    form_class = forms.SessionForm
    action = actions.session_create
    title = _("新建培训班次")
    success_message = _("已新建班次。")  # then the session's page


class CourseCreateView(ActionFormView):
    form_class = forms.CourseForm
    action = actions.course_create
    title = _("新建培训课程")
    success_message = _("已新建课程。")
    success_url = "centers:session_list"


class TrainingBehindView(LoginRequiredMixin, TemplateView):
    template_name = "centers/training_behind.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        try:
            year = int(self.request.GET.get("year", year))
        except ValueError:
            pass
        within = _region_param(self.request)
        roots = [within] if within is not None else core.user_root_regions(user=user)
        ctx["year"] = year
        ctx["blocks"] = []
        for root in roots[:5]:
            required, behind = selectors.cadres_behind_training(user=user, within=root, year=year)
            ctx["blocks"].append({"region": root, "required": required, "behind": behind[:300]})
        return ctx


# --- 两委, ratings, 头雁 ---------------------------------------------------------------------------

class CommitteePostListView(ListPage):
    selector = selectors.committee_post_list
    filterset_class = fs.CommitteePostFilterSet
    title = _("两委班子")
    add_actions = [(_("登记职务"), "centers:committee_post_add")]
    columns = [(_("村/社区"), "village.name"), (_("组织"), "get_body_display"), (_("职务"), "get_post_display"),
               (_("任职人"), "resident.name"), (_("任职日期"), "since")]


class CommitteePostCreateView(ActionFormView):
    form_class = forms.CommitteePostForm
    action = actions.committee_post_set
    title = _("登记两委职务")
    success_message = _("已登记职务。")  # then the village's page


class RatingListView(ListPage):
    selector = selectors.secretary_rating_list
    filterset_class = fs.SecretaryRatingFilterSet
    title = _("村党组织书记“两考一评”")
    add_actions = [(_("录入评定"), "centers:rating_add"), (_("头雁工程"), "centers:lead_goose_add")]
    columns = [(_("村/社区"), "village.name"), (_("乡镇/街道"), "village.parent.name"), (_("书记"), "secretary.name"),
               (_("年度"), "year"), (_("理论考试"), "exam_theory"), (_("实务考试"), "exam_practice"),
               (_("综合评议"), "evaluation"), (_("星级"), "stars")]


class RatingCreateView(ActionFormView):
    form_class = forms.RatingForm
    action = actions.secretary_rate
    title = _("录入“两考一评”")
    submit_label = _("评定")
    success_message = _("已评定。")
    success_url = "centers:rating_list"


class LeadGooseCreateView(ActionFormView):
    form_class = forms.LeadGooseForm
    action = actions.lead_goose_mark
    title = _("头雁工程：标记落实情况")
    submit_label = _("标记")
    success_message = _("已标记。")  # then the village's page


# --- The county's rule tables -------------------------------------------------------------------

class RulesView(LoginRequiredMixin, TemplateView):
    template_name = "centers/rules.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["stage_rules"] = selectors.stage_rule_list(user=user)
        ctx["star_rules"] = selectors.star_rule_list(user=user)
        ctx["requirements"] = selectors.training_requirement_list(user=user)[:10]
        ctx["measures"] = selectors.lead_goose_measure_list(user=user)
        ctx["can_edit"] = rules.sets_county_rules(user)  # the actions' own check
        return ctx


class StageRuleEditView(ActionFormView):
    object_selector = selectors.stage_rule_list
    object_arg = "rule_id"
    action = actions.stage_rule_set
    form_class = forms.StageRuleForm
    success_message = _("已保存规则。")
    success_url = "centers:rules"

    def get_initial(self):
        return {"min_days": self.object.min_days, "basis": self.object.basis}

    def get_title(self):
        return _("发展阶段间隔：进入“%(s)s”") % {"s": self.object.get_to_stage_display()}


class StarRuleEditView(ActionFormView):
    object_selector = selectors.star_rule_list
    object_arg = "rule_id"
    action = actions.star_rule_set
    form_class = forms.StarRuleForm
    success_message = _("已保存规则。")
    success_url = "centers:rules"

    def get_initial(self):
        return {"min_exam_average": self.object.min_exam_average, "min_evaluation": self.object.min_evaluation}

    def get_title(self):
        return _("星级规则：%(s)d星") % {"s": self.object.stars}


class TrainingRequirementView(ActionFormView):
    form_class = forms.TrainingRequirementForm
    action = actions.training_requirement_set
    title = _("年度学时要求")
    success_message = _("已保存规则。")
    success_url = "centers:rules"


class MeasureAddView(ActionFormView):
    form_class = forms.MeasureForm
    action = actions.lead_goose_measure_add
    title = _("新增头雁工程措施")
    success_message = _("已新增措施。")
    success_url = "centers:rules"
