from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance.attachments import attachments_of
from governance.generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from governance.offline import QueuedSubmitMixin
from governance.scoping import STAFF_ROLES, user_roles

from . import actions, forms, rules, selectors
from .filtersets import GridFilterSet, IssueFilterSet, MajorEventFilterSet, VisitFilterSet
from .models import ACTIVE_STATUSES, EscalationLevel, Severity

# --- Grids ------------------------------------------------------------------------------------------


class GridListView(ObjectListView):
    selector = selectors.grid_list
    filterset_class = GridFilterSet
    template_name = "grids/grid_list.html"
    title = _("网格")


class GridDetailView(ObjectDetailView):
    selector = selectors.grid_list
    template_name = "grids/grid_detail.html"
    context_object_name = "grid"
    rules = rules.GRID  # the buttons offered are the steps the actions would allow

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, grid = self.request.user, self.object
        households = selectors.grid_households(user=user, grid=grid)
        ctx["households"] = households[:300]
        ctx["household_total"] = households.count()
        ctx["unassigned"] = selectors.grid_unassigned_households(user=user, grid=grid)[:100]
        ctx["unassigned_total"] = selectors.grid_unassigned_households(user=user, grid=grid).count()
        ctx["loads"] = selectors.grid_member_loads(user=user, grid=grid)
        ctx["issues"] = selectors.issue_list(user=user).filter(region=grid.region, status__in=ACTIVE_STATUSES)[:50]
        ctx["visits_due"] = selectors.grid_visits_due(user=user, grid=grid)[:30]
        ctx["visits"] = selectors.visit_list(user=user).filter(grid=grid)[:20]
        ctx["can_assign"] = "responsibility_assign" in ctx["verbs"]  # the per-household "分配" links
        return ctx


class MyGridView(LoginRequiredMixin, TemplateView):
    """The grid leader's page: straight to their grid (or the list when they lead several)."""

    def get(self, request, *args, **kwargs):
        grids = list(selectors.grid_for_leader(user=request.user)[:2])
        if len(grids) == 1:
            return HttpResponseRedirect(grids[0].get_absolute_url())
        return HttpResponseRedirect(reverse("grids:grid_list"))


class GridStepView(ActionFormView):
    """A step on a grid, declared by its rule (grids/rules.py GRID)."""

    object_selector = selectors.grid_list
    object_arg = "grid_id"
    form_object_arg = "grid"
    step = ""

    def get_title(self):
        return f"{rules.GRID[self.step].label}：{self.object}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.GRID[self.step].label}

    def get_success_url_for(self, result):  # back to the grid's page
        return self.object.get_absolute_url()


class GridMemberAddView(GridStepView):
    step, action, form_class = "member_add", actions.grid_member_add, forms.GridMemberForm
    success_message = _("已安排党员到网格履职。")


class ResponsibilityAssignView(GridStepView):
    step, action, form_class = "responsibility_assign", actions.responsibility_assign, forms.ResponsibilityForm
    success_message = _("已分配责任党员。")

    def get_initial(self):  # from the grid page's "分配" link next to a household
        household = self.request.GET.get("household", "")
        return {"household": household} if household.isdigit() else {}


# --- Issues -----------------------------------------------------------------------------------------


class IssueListView(ObjectListView):
    selector = selectors.issue_list
    filterset_class = IssueFilterSet
    template_name = "grids/issue_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("事件办理")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_staff"] = bool(user_roles(self.request.user) & STAFF_ROLES) or self.request.user.is_superuser
        ctx["levels"] = EscalationLevel.choices
        if not ctx["is_staff"]:
            ctx["title"] = _("我的诉求")
        return ctx


class IssueReportView(QueuedSubmitMixin, ActionFormView):
    form_class = forms.IssueReportForm
    action = actions.issue_report
    title = _("上报事件")
    submit_label = _("上报")
    success_message = _("事件已上报，网格长将收到通知。")

    def action_kwargs(self, form):
        kwargs = super().action_kwargs(form)
        upload = kwargs.pop("file", None)
        return {**kwargs, "uploads": [upload] if upload else []}


class IssueDetailView(ObjectDetailView):
    selector = selectors.issue_list
    template_name = "grids/issue_detail.html"
    context_object_name = "issue"
    rules = rules.ISSUE  # the steps offered are the ones the actions would allow

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = selectors.issue_events(user=self.request.user, issue=self.object)
        ctx["attachments"] = attachments_of(self.object)
        ctx["major_events"] = self.object.major_events.all()
        return ctx


class IssueStepView(ActionFormView):
    """One step on one issue, declared by its rule (grids/rules.py ISSUE). A versioned form carries the
    state the user saw, so a stale click loses with a message; `note_arg` names the action's parameter the
    form's text fills (the API's body names it `note` too)."""

    object_selector = selectors.issue_list
    object_arg = "issue_id"
    form_class = forms.IssueStepForm
    step = ""
    note_arg = "note"

    def get_title(self):
        return f"{rules.ISSUE[self.step].label}：{self.object}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.ISSUE[self.step].label}

    def get_initial(self):
        return {**super().get_initial(), "version": self.object.version}

    def action_kwargs(self, form):
        kwargs = super().action_kwargs(form)
        if "note" in kwargs and self.note_arg != "note":
            kwargs[self.note_arg] = kwargs.pop("note")
        return kwargs


class IssueAcceptView(IssueStepView):
    step, action = "accept", actions.issue_accept
    success_message = _("已受理，请在本级时限内办结。")


class IssueStartView(IssueStepView):
    step, action = "start", actions.issue_start
    success_message = _("已开始办理。")


class IssueAssignView(IssueStepView):
    step, action, form_class, form_object_arg = "assign", actions.issue_assign, forms.IssueAssignForm, "issue"
    success_message = _("已指派承办人。")


class IssueResolveView(IssueStepView):
    step, action, form_class = "resolve", actions.issue_resolve, forms.ResolveForm
    success_message = _("已办结，等待上报人确认。")


class IssueRejectView(IssueStepView):
    step, action, form_class, note_arg = "reject", actions.issue_reject, forms.RejectForm, "reason"
    success_message = _("已不予受理，上报人将收到通知。")


class IssueEscalateView(IssueStepView):
    step, action, form_class, note_arg = "escalate", actions.issue_escalate, forms.EscalateForm, "reason"
    success_message = _("已提级，上一级将收到通知。")


class IssueConfirmView(IssueStepView, ButtonView):
    step, action, form_class = "confirm", actions.issue_confirm, ButtonView.form_class
    success_message = _("已确认办结，事件关闭。")


class IssueReopenView(IssueStepView):
    step, action, form_class, note_arg = "reopen", actions.issue_reopen, forms.ReopenForm, "reason"
    success_message = _("事件已重新打开，将按本级时限重新办理。")


class IssueCommentView(IssueStepView):
    step, action, form_class = "comment", actions.issue_comment, forms.CommentForm
    success_message = _("备注已添加。")


class IssueAttachView(IssueStepView):
    step, action, form_class = "attach", actions.issue_attach, forms.AttachmentForm
    success_message = _("附件已添加。")

    def action_kwargs(self, form):
        kwargs = super().action_kwargs(form)
        return {**kwargs, "upload": kwargs.pop("file")}


class IssueOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "grids/overview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = selectors.issue_overview(user=self.request.user)
        ctx["title"] = _("事件总览")
        return ctx


# --- Visits -----------------------------------------------------------------------------------------


class VisitListView(ObjectListView):
    selector = selectors.visit_list
    filterset_class = VisitFilterSet
    template_name = "grids/visit_list.html"
    title = _("走访")


class VisitAddView(ActionFormView):
    form_class = forms.VisitForm
    action = actions.visit_log
    title = _("记录走访")
    submit_label = _("记录")
    success_message = _("走访已记录。")

    def get_initial(self):
        # the signed-in member and today: a visit is logged by whoever made it, on the day (issue #17)
        initial = {"visited_on": timezone.localdate(), "severity": Severity.MINOR,
                   "member": selectors.field_member(user=self.request.user)}
        household = self.request.GET.get("household", "")
        if household.isdigit():  # from a grid's "visits due": that household, if the user sees it
            initial["household"] = selectors.households(user=self.request.user).filter(pk=household).first()
        return initial

    def get_success_url_for(self, result):
        return (result.issue or result.grid).get_absolute_url()


# --- The field kit (issue #17) ---------------------------------------------------------------------


class FieldKitView(ObjectListView):
    """我的联系户: the member's households, the one not visited for longest first, each one tap from its visit."""

    selector = selectors.field_households
    template_name = "grids/field_kit.html"
    title = _("我的联系户")
    paginate_by = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["member"] = selectors.field_member(user=self.request.user)
        ctx["today"] = timezone.localdate()
        return ctx


class FieldVisitView(QueuedSubmitMixin, VisitAddView):
    """The one-screen visit of the field kit: member and today preselected, a photo, the location where the
    phone allows; sent through the phone's queue (static/js/offline-queue.js) so it works without signal."""

    form_class = forms.FieldVisitForm
    success_message = _("走访已记录。")
    offline_follow = False  # the next household's visit, on the same screen

    def get_initial(self):
        initial = super().get_initial()
        household = self.request.GET.get("household", "")
        initial["household"] = (selectors.field_households(user=self.request.user).filter(pk=household).first()
                                if household.isdigit() else None)
        return initial

    def action_kwargs(self, form):
        kwargs = super().action_kwargs(form)
        kwargs["severity"] = kwargs.get("severity") or Severity.MINOR
        return kwargs

    def get_success_url_for(self, result):
        return reverse("grids:field_kit")


# --- Major events -----------------------------------------------------------------------------------


class MajorEventListView(ObjectListView):
    selector = selectors.major_event_list
    filterset_class = MajorEventFilterSet
    template_name = "grids/major_event_list.html"
    title = _("大事联动")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["my_tasks"] = selectors.major_tasks_to_answer(user=self.request.user)[:50]
        return ctx


class MajorEventAddView(ActionFormView):
    form_class = forms.MajorEventForm
    action = actions.major_event_create
    title = _("发起大事全网联动")
    submit_label = _("发起联动")
    success_message = _("已发起大事联动，各网格将收到任务。")


class MajorEventDetailView(ObjectDetailView):
    selector = selectors.major_event_list
    template_name = "grids/major_event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tasks = selectors.major_event_tasks(user=self.request.user, event=self.object)
        ctx["pending"] = [t for t in tasks if t.acknowledged_at is None]
        ctx["acknowledged"] = [t for t in tasks if t.acknowledged_at is not None]
        return ctx


class MajorTaskAckView(ActionFormView):
    object_selector = selectors.major_task_list
    object_arg = "task_id"
    form_class = forms.AcknowledgeForm
    action = actions.major_task_acknowledge
    title = _("响应联动任务：%(object)s")
    submit_label = _("响应")
    success_message = _("已响应。")
    success_url = "grids:major_event_list"


# --- SLAs -------------------------------------------------------------------------------------------


class SLAListView(ObjectListView):
    selector = selectors.sla_list
    template_name = "grids/sla_list.html"
    title = _("办理时限")
    paginate_by = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = rules.SLA["edit"].permitted(self.request.user, None)  # the action's own rule
        return ctx


class SLAEditView(ActionFormView):
    object_selector = selectors.sla_list
    object_arg = "sla_id"
    form_class = forms.SLAForm
    action = actions.sla_edit
    submit_label = _("保存时限")
    success_message = _("办理时限已更新，新到达各级的事件按新时限计算。")
    success_url = "grids:sla_list"

    def get_title(self):
        return _("办理时限：%(l)s · %(s)s") % {"l": self.object.get_level_display(), "s": self.object.get_severity_display()}

    def get_initial(self):
        return {"hours": self.object.hours}
