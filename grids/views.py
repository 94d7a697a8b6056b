from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance.attachments import attachments_of
from governance.generic import ActionFormView, ObjectDetailView, ObjectListView
from governance.models import Household, Resident
from governance.scoping import STAFF_ROLES, region_allows, user_roles

from . import actions, selectors
from .filtersets import GridFilterSet, IssueFilterSet, MajorEventFilterSet, VisitFilterSet
from .forms import (
    AcknowledgeForm,
    AttachmentForm,
    GridMemberForm,
    IssueAssignForm,
    IssueReportForm,
    IssueVerbForm,
    MajorEventForm,
    ResponsibilityForm,
    SLAForm,
    VisitForm,
)
from .models import ACTIVE_STATUSES, LEVEL_HANDLERS, EscalationLevel, IssueStatus, Severity

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
        ctx["can_manage"] = region_allows(user, grid.region, {"county_admin", "township_head", "township_staff",
                                                              "village_secretary"})
        ctx["can_assign"] = ctx["can_manage"] or region_allows(user, grid.region, {"grid_leader"})
        return ctx


class MyGridView(LoginRequiredMixin, TemplateView):
    """The grid leader's page: straight to their grid (or the list when they lead several)."""

    def get(self, request, *args, **kwargs):
        grids = list(selectors.grid_for_leader(user=request.user)[:2])
        if len(grids) == 1:
            return HttpResponseRedirect(grids[0].get_absolute_url())
        return HttpResponseRedirect(reverse("grids:grid_list"))


class GridMemberAddView(ActionFormView):
    template_name = "governance/form.html"
    form_class = GridMemberForm
    selector = selectors.grid_list
    success_message = _("已安排党员到网格履职。")

    def load(self, pk):
        self.grid = get_object_or_404(selectors.grid_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("安排党员履职：%(g)s") % {"g": self.grid.region.name}}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": selectors.party_members_near(user=self.request.user, grid=self.grid)}

    def perform(self, form):
        resident = form.cleaned_data["resident"]
        if form.cleaned_data["make_leader"]:
            return actions.grid_leader_set(actor=self.request.user, grid_id=self.grid.pk, resident=resident)
        actions.grid_member_add(actor=self.request.user, grid_id=self.grid.pk, resident=resident)
        return self.grid


class ResponsibilityAssignView(ActionFormView):
    template_name = "governance/form.html"
    form_class = ResponsibilityForm
    selector = selectors.grid_list
    success_message = _("已分配责任党员。")

    def load(self, pk):
        self.grid = get_object_or_404(selectors.grid_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("分配责任户：%(g)s") % {"g": self.grid.region.name}}

    def get_form_kwargs(self):
        user = self.request.user
        members = Resident.objects.filter(pk__in=selectors.grid_member_loads(user=user, grid=self.grid).values("resident_id"))
        kwargs = {**super().get_form_kwargs(), "grid": self.grid, "members": members.order_by("name"),
                  "households": selectors.grid_households(user=user, grid=self.grid).order_by("number")}
        if "household" in self.request.GET:
            kwargs.setdefault("initial", {})["household"] = self.request.GET["household"]
        return kwargs

    def perform(self, form):
        d = form.cleaned_data
        actions.responsibility_assign(actor=self.request.user, grid_id=self.grid.pk, household=d["household"],
                                      member=d["member"])
        return self.grid


# --- Issues -----------------------------------------------------------------------------------------


class IssueListView(ObjectListView):
    selector = selectors.issue_list
    filterset_class = IssueFilterSet
    template_name = "grids/issue_list.html"
    title = _("事件办理")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_staff"] = bool(user_roles(self.request.user) & STAFF_ROLES) or self.request.user.is_superuser
        ctx["levels"] = EscalationLevel.choices
        if not ctx["is_staff"]:
            ctx["title"] = _("我的诉求")
        return ctx


class IssueReportView(ActionFormView):
    template_name = "governance/form.html"
    form_class = IssueReportForm
    success_message = _("事件已上报。")
    extra_context = {"title": _("上报事件")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        uploads = [d["file"]] if d.get("file") else []
        return actions.issue_report(actor=self.request.user, category=d["category"], severity=d["severity"],
                                    title=d["title"], description=d["description"], household=d.get("household"),
                                    region=d.get("region"), uploads=uploads)


class IssueDetailView(ObjectDetailView):
    selector = selectors.issue_list
    template_name = "grids/issue_detail.html"
    context_object_name = "issue"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, issue = self.request.user, self.object
        ctx["events"] = selectors.issue_events(user=user, issue=issue)
        ctx["attachments"] = attachments_of(issue)
        handler = region_allows(user, issue.region, LEVEL_HANDLERS[issue.level]) and bool(
            user_roles(user) & STAFF_ROLES or user.is_superuser)
        status = issue.status
        ctx["verbs"] = [
            (name, label) for name, label, ok in [
                ("issue_accept", _("受理"), handler and status in (IssueStatus.REPORTED, IssueStatus.REOPENED)),
                ("issue_start", _("开始办理"), handler and status in (IssueStatus.ACCEPTED, IssueStatus.REOPENED)),
                ("issue_assign", _("指派"), handler and status in ACTIVE_STATUSES),
                ("issue_resolve", _("办结"), handler and status in ACTIVE_STATUSES),
                ("issue_escalate", _("提级处置"), handler and status in ACTIVE_STATUSES and issue.level < EscalationLevel.COUNTY),
                ("issue_reject", _("不予受理"), handler and status in (IssueStatus.REPORTED, IssueStatus.ACCEPTED)),
                ("issue_confirm", _("确认办结"), issue.reporter_id == user.pk and status == IssueStatus.RESOLVED),
                ("issue_reopen", _("不满意，重新打开"), issue.reporter_id == user.pk and status == IssueStatus.RESOLVED),
            ] if ok
        ]
        ctx["major_events"] = issue.major_events.all()
        return ctx


class IssueVerbView(ActionFormView):
    """One page per state change; `version` carries the state the user saw so a stale click loses."""

    template_name = "governance/form.html"
    form_class = IssueVerbForm
    selector = selectors.issue_list
    verb = ""
    title = ""
    note_label = None
    note_required = False
    success_message = _("已保存。")

    def load(self, pk):
        self.issue = get_object_or_404(selectors.issue_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": f"{self.title}：{self.issue}"}

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "note_label": self.note_label, "note_required": self.note_required}
        kwargs.setdefault("initial", {})["version"] = self.issue.version
        return kwargs

    def perform(self, form):
        d = form.cleaned_data
        user, pk, version, note = self.request.user, self.issue.pk, d.get("version"), d.get("note") or ""
        if self.verb == "accept":
            return actions.issue_accept(actor=user, issue_id=pk, version=version)
        if self.verb == "start":
            return actions.issue_start(actor=user, issue_id=pk, version=version)
        if self.verb == "resolve":
            return actions.issue_resolve(actor=user, issue_id=pk, note=note, version=version)
        if self.verb == "reject":
            return actions.issue_reject(actor=user, issue_id=pk, reason=note, version=version)
        if self.verb == "escalate":
            return actions.issue_escalate(actor=user, issue_id=pk, reason=note, version=version)
        if self.verb == "confirm":
            return actions.issue_confirm(actor=user, issue_id=pk)
        if self.verb == "reopen":
            return actions.issue_reopen(actor=user, issue_id=pk, reason=note)
        if self.verb == "comment":
            actions.issue_comment(actor=user, issue_id=pk, note=note)
            return self.issue
        raise Http404


def verb_view(verb, title, note_label=None, note_required=False):
    return type(f"Issue{verb.title()}View", (IssueVerbView,), {
        "verb": verb, "title": title, "note_label": note_label, "note_required": note_required})


class IssueAssignView(IssueVerbView):
    form_class = IssueAssignForm
    title = _("指派承办人")

    def get_form_kwargs(self):
        kwargs = ActionFormView.get_form_kwargs(self)
        kwargs.setdefault("initial", {})["version"] = self.issue.version
        return {**kwargs, "issue": self.issue}

    def perform(self, form):
        d = form.cleaned_data
        return actions.issue_assign(actor=self.request.user, issue_id=self.issue.pk, assignee=d["assignee"],
                                    version=d.get("version"))


class IssueAttachView(IssueVerbView):
    form_class = AttachmentForm
    title = _("添加附件")

    def get_form_kwargs(self):
        return ActionFormView.get_form_kwargs(self)

    def perform(self, form):
        actions.issue_attach(actor=self.request.user, issue_id=self.issue.pk, upload=form.cleaned_data["file"])
        return self.issue


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
    template_name = "governance/form.html"
    form_class = VisitForm
    success_message = _("走访已记录。")
    extra_context = {"title": _("记录走访")}

    def get_form_kwargs(self):
        from django.utils import timezone

        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        kwargs.setdefault("initial", {}).update(visited_on=timezone.localdate(), severity=Severity.MINOR)
        if self.request.GET.get("household", "").isdigit():  # from a grid's "visits due": that household
            kwargs["initial"]["household"] = Household.objects.restrict(self.request.user, "view").filter(
                pk=self.request.GET["household"]).first()
        return kwargs

    def perform(self, form):
        d = form.cleaned_data
        visit = actions.visit_log(actor=self.request.user, household=d["household"], notes=d["notes"],
                                  visited_on=d["visited_on"], member=d.get("member"), raise_issue=d["raise_issue"],
                                  category=d.get("category"), severity=d.get("severity") or Severity.MINOR,
                                  issue_title=d.get("issue_title") or "")
        return visit.issue or visit.grid


# --- Major events -----------------------------------------------------------------------------------


class MajorEventListView(ObjectListView):
    selector = selectors.major_event_list
    filterset_class = MajorEventFilterSet
    template_name = "grids/major_event_list.html"
    title = _("大事联动")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["my_tasks"] = selectors.major_task_list(user=self.request.user).filter(acknowledged_at__isnull=True)[:50]
        return ctx


class MajorEventAddView(ActionFormView):
    template_name = "governance/form.html"
    form_class = MajorEventForm
    success_message = _("已发起大事联动，各网格将收到任务。")
    extra_context = {"title": _("发起大事全网联动")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.major_event_create(actor=self.request.user, region=d["region"], title=d["title"],
                                          description=d["description"])


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
    template_name = "governance/form.html"
    form_class = AcknowledgeForm
    selector = selectors.major_task_list
    success_message = _("已响应。")

    def load(self, pk):
        self.task = get_object_or_404(selectors.major_task_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("响应联动任务：%(t)s") % {"t": self.task.event.title}}

    def perform(self, form):
        actions.major_task_acknowledge(actor=self.request.user, task_id=self.task.pk, note=form.cleaned_data["note"])
        return reverse("grids:major_event_list")


# --- SLAs -------------------------------------------------------------------------------------------


class SLAListView(ObjectListView):
    selector = selectors.sla_list
    template_name = "grids/sla_list.html"
    title = _("办理时限")
    paginate_by = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = "county_admin" in user_roles(self.request.user) or self.request.user.is_superuser
        return ctx


class SLAEditView(ActionFormView):
    template_name = "governance/form.html"
    form_class = SLAForm
    selector = selectors.sla_list
    success_message = _("办理时限已更新，新到达各级的事件按新时限计算。")

    def load(self, pk):
        self.sla = get_object_or_404(selectors.sla_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("办理时限：%(l)s · %(s)s") % {"l": self.sla.get_level_display(),
                                                                     "s": self.sla.get_severity_display()}}

    def get_initial(self):
        return {"hours": self.sla.hours}

    def perform(self, form):
        actions.sla_set(actor=self.request.user, level=self.sla.level, severity=self.sla.severity,
                        hours=form.cleaned_data["hours"])
        return reverse("grids:sla_list")
