"""Pages of centers/: lists are a selector + filterset + columns; forms hand their data to one action."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.contrib.auth.mixins import LoginRequiredMixin

from governance import selectors as core
from governance.errors import Conflict
from governance.generic import ActionFormView, ObjectDetailView, ObjectListView
from governance.models import Region
from governance.scoping import COUNTY, MANAGERS, TOWNSHIP, Role, can, region_allows

from . import actions, forms, selectors
from . import filtersets as fs
from .models import OperatingMode, PipelineStep, Stage, STAGE_ORDER

FORM = "governance/form.html"
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
    if not value.isdigit():
        raise Http404
    return get_object_or_404(core.region_list(user=request.user), pk=value)


def _done(request, message, url):
    messages.success(request, message)
    return HttpResponseRedirect(url)


def _post_action(request, fn, url, ok_message):
    """Run a button's action; a refusal (bad state, lost race) comes back as a message."""
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(url)
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(url)
    return _done(request, ok_message, url)


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

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, item = self.request.user, self.object
        mode = actions.township_mode(item.township)
        ctx["mode"] = OperatingMode(mode)
        ctx["can_take"] = item.status == "open" and actions.may_take(user, item, mode)
        ctx["can_assign"] = item.status != "done" and region_allows(user, item.township, actions.HEADS)
        ctx["can_complete"] = item.status == "in_progress" and (
            item.assignee_id == user.pk or region_allows(user, item.township, actions.HEADS))
        ctx["assign_form"] = forms.AssignForm(user=user, item=item) if ctx["can_assign"] else None
        return ctx


def _item(request, pk):
    return get_object_or_404(selectors.work_item_list(user=request.user), pk=pk)


@login_required
@require_POST
def work_item_take(request, pk):
    item = _item(request, pk)
    return _post_action(request, lambda: actions.work_item_take(actor=request.user, item_id=item.pk),
                        item.get_absolute_url(), _("已承办该事项。"))


@login_required
@require_POST
def work_item_complete(request, pk):
    item = _item(request, pk)
    return _post_action(request, lambda: actions.work_item_complete(actor=request.user, item_id=item.pk,
                                                                     note=request.POST.get("note", "")),
                        item.get_absolute_url(), _("事项已办结。"))


class WorkItemAssignView(ActionFormView):
    template_name = FORM
    form_class = forms.AssignForm
    success_message = _("已指派。")

    def load(self, pk):
        self.item = _item(self.request, pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "item": self.item}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("指派事项：%(t)s") % {"t": self.item.title}}

    def perform(self, form):
        return actions.work_item_assign(actor=self.request.user, item_id=self.item.pk,
                                        assignee=form.cleaned_data["assignee"])


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
    template_name = FORM
    form_class = forms.StaffAssignForm
    success_message = _("已保存派驻。")
    extra_context = {"title": _("派驻干部到中心")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        actions.staff_assign(actor=self.request.user, user=d["user_choice"], center=d["center"],
                             start_date=d["start_date"], original_unit=d["original_unit"],
                             original_post=d["original_post"], establishment=d["establishment"], note=d["note"])
        return reverse("centers:assignment_list")


class ModeSwitchView(ActionFormView):
    template_name = FORM
    form_class = forms.ModeSwitchForm
    success_message = _("运行模式已切换，并已记入日志。")

    def load(self, pk):
        self.township = get_object_or_404(core.region_list(user=self.request.user), pk=pk, level=Region.Level.TOWNSHIP)

    def get_initial(self):
        current = actions.township_mode(self.township)
        return {"to_mode": OperatingMode.COORDINATED if current == OperatingMode.NORMAL else OperatingMode.NORMAL}

    def get_context_data(self, **kwargs):
        mode = OperatingMode(actions.township_mode(self.township))
        return {**super().get_context_data(**kwargs),
                "title": _("切换运行模式：%(t)s（当前：%(m)s）") % {"t": self.township.name, "m": mode.label}}

    def perform(self, form):
        actions.township_mode_switch(actor=self.request.user, township=self.township, **form.cleaned_data)
        return self.township.get_absolute_url()


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
    template_name = FORM
    form_class = forms.ClusterForm
    success_message = _("已新建片区。")
    extra_context = {"title": _("新建片区")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        actions.cluster_create(actor=self.request.user, township=d["township"], name=d["name"], leader=d["leader"],
                               cadres=list(d["cadres"]))
        return reverse("centers:cluster_list")


class ContactCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.ContactForm
    success_message = _("已设置联系干部。")
    extra_context = {"title": _("设置包村联系干部")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        contact = actions.village_contact_set(actor=self.request.user, village=d["village"], cadre=d["cadre"],
                                              cluster=d["cluster"])
        return contact.village.parent.get_absolute_url()


class ContactRemoveView(ActionFormView):
    template_name = FORM
    form_class = forms.ReasonForm
    success_message = _("已解除联系。")

    def load(self, pk):
        self.contact = get_object_or_404(selectors.village_contact_list(user=self.request.user), pk=pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("解除包村联系：%(c)s") % {"c": self.contact}}

    def perform(self, form):
        actions.village_contact_remove(actor=self.request.user, contact_id=self.contact.pk,
                                       reason=form.cleaned_data["reason"])
        return reverse("centers:cluster_list")


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

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["seats"] = selectors.committee_seat_list(user=user).filter(organization=self.object)
        ctx["children"] = selectors.party_organization_list(user=user).filter(parent=self.object)
        ctx["members"] = selectors.party_member_list(user=user).filter(organization=self.object, active=True)[:200]
        ctx["can_manage"] = region_allows(user, self.object.region, MANAGERS)
        return ctx


class OrganizationCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.PartyOrganizationForm
    success_message = _("已新建党组织。")
    extra_context = {"title": _("新建党组织")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.party_organization_create(actor=self.request.user, name=d["name"], kind=d["kind"],
                                                 region=d["region"], parent=d["parent"])


class SeatCreateView(ActionFormView):
    """换届 or a new co-building unit's part-time member: one seat on the organization's committee."""

    template_name = FORM
    form_class = forms.CommitteeSeatForm
    success_message = _("已添加委员。")

    def load(self, pk):
        self.org = get_object_or_404(selectors.party_organization_list(user=self.request.user), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "organization": self.org}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("添加委员：%(o)s") % {"o": self.org.name}}

    def perform(self, form):
        d = form.cleaned_data
        actions.committee_seat_add(actor=self.request.user, organization=self.org, person_name=d["person_name"],
                                   title=d["title"], part_time=d["part_time"], unit=d["unit"])
        return self.org.get_absolute_url()


class SeatRemoveView(ActionFormView):
    template_name = FORM
    form_class = forms.ReasonForm
    success_message = _("已移出委员。")

    def load(self, pk):
        self.seat = get_object_or_404(selectors.committee_seat_list(user=self.request.user), pk=pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "title": _("移出委员：%(n)s（%(o)s）") % {"n": self.seat.person_name, "o": self.seat.organization.name}}

    def perform(self, form):
        actions.committee_seat_remove(actor=self.request.user, seat_id=self.seat.pk, reason=form.cleaned_data["reason"])
        return self.seat.organization.get_absolute_url()


class MemberListView(ListPage):
    selector = selectors.party_member_list
    filterset_class = fs.PartyMemberFilterSet
    title = _("党员")
    export_key = "party_members"
    add_actions = [(_("登记党员"), "centers:member_add")]
    columns = [(_("姓名"), "resident.name"), (_("身份证号"), "resident.id_masked"), (_("所在支部"), "organization.name"),
               (_("党员类别"), "get_membership_display"), (_("入党日期"), "joined_on"), (_("在职党员"), "in_service"),
               (_("工作单位"), "work_unit")]


class MemberCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.PartyMemberForm
    success_message = _("已登记党员。")
    extra_context = {"title": _("登记党员")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        actions.party_member_create(actor=self.request.user, resident=d["resident"], organization=d["organization"],
                                    joined_on=d["joined_on"], membership=d["membership"], in_service=d["in_service"],
                                    work_unit=d["work_unit"])
        return reverse("centers:member_list")


class PioneerCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.PioneerPostForm
    success_message = _("已设置先锋岗。")
    extra_context = {"title": _("设置邻里先锋岗")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        actions.pioneer_post_assign(actor=self.request.user, **form.cleaned_data)
        return reverse("centers:pioneer_list")


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


class CandidateCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.CandidateForm
    success_message = _("已登记入党申请人。")
    extra_context = {"title": _("登记入党申请人")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.candidate_create(actor=self.request.user, resident=d["resident"], organization=d["organization"],
                                        applied_on=d["applied_on"], mentor=d["mentor"])


class CandidateDetailView(ObjectDetailView):
    selector = selectors.candidate_list
    template_name = "centers/candidate_detail.html"
    context_object_name = "candidate"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, cand = self.request.user, self.object
        ctx["steps"] = selectors.pipeline_step_list(user=user).filter(candidate=cand)
        ctx["stages"] = [(s, Stage(s).label, STAGE_ORDER.index(s) <= STAGE_ORDER.index(cand.stage)) for s in STAGE_ORDER]
        nxt = cand.next_stage
        if nxt:
            required, waited = actions.stage_wait(cand, nxt, timezone.localdate())
            ctx["next"] = {"label": Stage(nxt).label, "required": required, "waited": waited,
                           "earliest": cand.stage_since + timezone.timedelta(days=required)}
        ctx["can_propose"] = nxt is not None and region_allows(user, cand.village, {Role.VILLAGE_SECRETARY})
        ctx["can_approve"] = region_allows(user, cand.village, TOWNSHIP)
        ctx["can_file"] = region_allows(user, cand.village, COUNTY)
        return ctx


class StepProposeView(ActionFormView):
    template_name = FORM
    form_class = forms.ProposeForm
    success_message = _("已提出，等待乡镇审批。")

    def load(self, pk):
        self.candidate = get_object_or_404(selectors.candidate_list(user=self.request.user), pk=pk)

    def get_context_data(self, **kwargs):
        nxt = self.candidate.next_stage
        return {**super().get_context_data(**kwargs), "title": _("提出发展步骤：%(n)s → %(s)s") % {
            "n": self.candidate.resident.name, "s": Stage(nxt).label if nxt else "—"}}

    def perform(self, form):
        actions.step_propose(actor=self.request.user, candidate_id=self.candidate.pk, **form.cleaned_data)
        return self.candidate.get_absolute_url()


def _step(request, pk):
    return get_object_or_404(selectors.pipeline_step_list(user=request.user), pk=pk)


@login_required
@require_POST
def step_approve(request, pk):
    step = _step(request, pk)
    return _post_action(request, lambda: actions.step_approve(actor=request.user, step_id=step.pk),
                        step.candidate.get_absolute_url(), _("已审批。"))


@login_required
@require_POST
def step_file(request, pk):
    step = _step(request, pk)
    return _post_action(request, lambda: actions.step_file(actor=request.user, step_id=step.pk),
                        step.candidate.get_absolute_url(), _("已备案。"))


class StepRejectView(ActionFormView):
    template_name = FORM
    form_class = forms.ReasonForm
    success_message = _("已退回。")
    extra_context = {"title": _("退回发展步骤")}

    def load(self, pk):
        self.step = _step(self.request, pk)

    def perform(self, form):
        actions.step_reject(actor=self.request.user, step_id=self.step.pk, reason=form.cleaned_data["reason"])
        return self.step.candidate.get_absolute_url()


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
    template_name = FORM
    form_class = forms.ReserveForm
    success_message = _("已入库。")
    extra_context = {"title": _("后备力量入库")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        actions.reserve_add(actor=self.request.user, village=d["village"], resident=d["resident"], kind=d["kind"])
        return reverse("centers:reserve_list")


class ReserveRemoveView(ActionFormView):
    template_name = FORM
    form_class = forms.ReasonForm
    success_message = _("已出库。")
    extra_context = {"title": _("后备力量出库")}

    def load(self, pk):
        self.entry = get_object_or_404(selectors.reserve_list(user=self.request.user), pk=pk)

    def perform(self, form):
        actions.reserve_remove(actor=self.request.user, reserve_id=self.entry.pk, reason=form.cleaned_data["reason"])
        return reverse("centers:reserve_list")


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
    template_name = FORM
    form_class = forms.AttendanceForm
    extra_context = {"title": _("批量登记到课")}

    def load(self, pk):
        self.session = get_object_or_404(selectors.session_list(user=self.request.user), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "session": self.session}

    def perform(self, form):
        added = actions.attendance_record_bulk(actor=self.request.user, session=self.session,
                                               residents=form.cleaned_data["residents"])
        messages.success(self.request, _("已登记%(n)d人到课。") % {"n": added})
        return self.session.get_absolute_url()


class SessionCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.SessionForm
    success_message = _("已新建班次。")
    extra_context = {"title": _("新建培训班次")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return actions.session_create(actor=self.request.user, **form.cleaned_data)


class CourseCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.CourseForm
    success_message = _("已新建课程。")
    extra_context = {"title": _("新建培训课程")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        actions.course_create(actor=self.request.user, **form.cleaned_data)
        return reverse("centers:session_list")


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
    template_name = FORM
    form_class = forms.CommitteePostForm
    success_message = _("已登记职务。")
    extra_context = {"title": _("登记两委职务")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        post = actions.committee_post_set(actor=self.request.user, village=d["village"], resident=d["resident"],
                                          body=d["body"], post=d["post"])
        return post.village.get_absolute_url()


class RatingListView(ListPage):
    selector = selectors.secretary_rating_list
    filterset_class = fs.SecretaryRatingFilterSet
    title = _("村党组织书记“两考一评”")
    add_actions = [(_("录入评定"), "centers:rating_add"), (_("头雁工程"), "centers:lead_goose_add")]
    columns = [(_("村/社区"), "village.name"), (_("乡镇/街道"), "village.parent.name"), (_("书记"), "secretary.name"),
               (_("年度"), "year"), (_("理论考试"), "exam_theory"), (_("实务考试"), "exam_practice"),
               (_("综合评议"), "evaluation"), (_("星级"), "stars")]


class RatingCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.RatingForm
    success_message = _("已评定。")
    extra_context = {"title": _("录入“两考一评”")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        actions.secretary_rate(actor=self.request.user, **form.cleaned_data)
        return reverse("centers:rating_list")


class LeadGooseCreateView(ActionFormView):
    template_name = FORM
    form_class = forms.LeadGooseForm
    success_message = _("已标记。")
    extra_context = {"title": _("头雁工程：标记落实情况")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        mark = actions.lead_goose_mark(actor=self.request.user, **form.cleaned_data)
        return mark.village.get_absolute_url()


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
        from governance.scoping import is_unrestricted, user_roles

        ctx["can_edit"] = is_unrestricted(user) or bool(user_roles(user) & COUNTY)
        return ctx


class StageRuleEditView(ActionFormView):
    template_name = FORM
    form_class = forms.StageRuleForm
    success_message = _("已保存规则。")

    def load(self, pk):
        self.rule = get_object_or_404(selectors.stage_rule_list(user=self.request.user), pk=pk)

    def get_initial(self):
        return {"min_days": self.rule.min_days, "basis": self.rule.basis}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("发展阶段间隔：进入“%(s)s”") % {
            "s": self.rule.get_to_stage_display()}}

    def perform(self, form):
        actions.stage_rule_set(actor=self.request.user, rule_id=self.rule.pk, **form.cleaned_data)
        return reverse("centers:rules")


class StarRuleEditView(ActionFormView):
    template_name = FORM
    form_class = forms.StarRuleForm
    success_message = _("已保存规则。")

    def load(self, pk):
        self.rule = get_object_or_404(selectors.star_rule_list(user=self.request.user), pk=pk)

    def get_initial(self):
        return {"min_exam_average": self.rule.min_exam_average, "min_evaluation": self.rule.min_evaluation}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("星级规则：%(s)d星") % {"s": self.rule.stars}}

    def perform(self, form):
        actions.star_rule_set(actor=self.request.user, rule_id=self.rule.pk, **form.cleaned_data)
        return reverse("centers:rules")


class TrainingRequirementView(ActionFormView):
    template_name = FORM
    form_class = forms.TrainingRequirementForm
    success_message = _("已保存规则。")
    extra_context = {"title": _("年度学时要求")}

    def perform(self, form):
        actions.training_requirement_set(actor=self.request.user, **form.cleaned_data)
        return reverse("centers:rules")


class MeasureAddView(ActionFormView):
    template_name = FORM
    form_class = forms.MeasureForm
    success_message = _("已新增措施。")
    extra_context = {"title": _("新增头雁工程措施")}

    def perform(self, form):
        actions.lead_goose_measure_add(actor=self.request.user, name=form.cleaned_data["name"])
        return reverse("centers:rules")
