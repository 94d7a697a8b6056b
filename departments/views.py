"""Pages of departments/: configuration on the generic bases (lists, details with their rules' verbs,
declared action views)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance.generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from grids import selectors as grid_selectors

from . import actions, forms, rules, selectors
from .filtersets import (
    AssignmentFilterSet,
    CatalogueFilterSet,
    DepartmentFilterSet,
    StationedCadreFilterSet,
    SupervisionFilterSet,
    UnitSupervisorFilterSet,
    WhistleFilterSet,
)
from .models import HandlingLevel

# --- Departments ----------------------------------------------------------------------------------


class DepartmentListView(ObjectListView):
    selector = selectors.department_list
    filterset_class = DepartmentFilterSet
    template_name = "departments/department_list.html"
    title = _("县直部门")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": rules.is_county(self.request.user)}


class DepartmentDetailView(ObjectDetailView):
    selector = selectors.department_list
    template_name = "departments/department_detail.html"
    context_object_name = "department"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, dept = self.request.user, self.object
        ctx["staff"] = selectors.department_staff_list(user=user, department=dept)
        ctx["units"] = selectors.unit_performance(user=user, department=dept)
        ctx["open_assignments"] = selectors.assignment_list(user=user).filter(department=dept, state__in=["pending", "accepted", "reported"])[:50]
        ctx["catalogue"] = selectors.catalogue_list(user=user).filter(department=dept)
        ctx["can_manage"] = rules.is_county(user)
        return ctx


class DepartmentAddView(ActionFormView):
    form_class = forms.DepartmentForm
    action = actions.department_create
    title = _("新增县直部门")
    submit_label = _("保存")
    success_message = _("部门已添加。")


class DepartmentStaffAddView(ActionFormView):
    object_selector = selectors.department_list
    object_arg = "department_id"
    form_class = forms.DepartmentStaffForm
    action = actions.department_staff_add
    title = _("添加工作人员：%(object)s")
    submit_label = _("添加")
    success_message = _("已添加部门工作人员，他们将只看到本部门的事项。")

    def get_success_url_for(self, result):
        return self.object.get_absolute_url()


# --- 事项清单 ----------------------------------------------------------------------------------------


class CatalogueView(ObjectListView):
    """The catalogue in plain words, for villagers and staff alike."""

    selector = selectors.catalogue_list
    filterset_class = CatalogueFilterSet
    template_name = "departments/catalogue.html"
    title = _("事项清单：什么事找谁办")
    paginate_by = 200

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["levels"] = HandlingLevel
        ctx["can_edit"] = rules.is_county(self.request.user)
        return ctx


class CatalogueAddView(ActionFormView):
    form_class = forms.CatalogueItemForm
    action = actions.catalogue_item_create
    title = _("新增清单事项")
    submit_label = _("保存")
    success_message = _("清单事项已添加。")
    success_url = "departments:catalogue"


class CatalogueEditView(ActionFormView):
    object_selector = selectors.catalogue_list
    object_arg = "item_id"
    form_class = forms.CatalogueItemForm
    action = actions.catalogue_item_edit
    title = _("修改清单事项：%(object)s")
    submit_label = _("保存")
    success_message = _("清单事项已更新，此后到达县级的事件按新清单交办。")
    success_url = "departments:catalogue"

    def get_initial(self):
        item = self.object
        return {"name": item.name, "level": item.level, "department": item.department_id, "sla_days": item.sla_days,
                "plain_description": item.plain_description,
                "categories": [link.category_id for link in item.category_links.all()]}


# --- Assignments (the inbox) -----------------------------------------------------------------------


class AssignmentListView(ObjectListView):
    selector = selectors.assignment_list
    filterset_class = AssignmentFilterSet
    template_name = "departments/assignment_list.html"
    status_tabs = "state"
    title = _("部门待办")


class AssignmentDetailView(ObjectDetailView):
    selector = selectors.assignment_list
    template_name = "departments/assignment_detail.html"
    context_object_name = "assignment"
    rules = rules.ASSIGNMENT

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["events"] = selectors.assignment_events(user=user, assignment=self.object)
        ctx["parts"] = selectors.assignment_parts(user=user, assignment=self.object)
        ctx["supervisions"] = selectors.supervision_list(user=user).filter(issue_id=self.object.issue_id)
        return ctx


class AssignmentStepView(ActionFormView):
    object_selector = selectors.assignment_list
    object_arg = "assignment_id"
    step = ""

    def get_title(self):
        return f"{rules.ASSIGNMENT[self.step].label}：{self.object}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.ASSIGNMENT[self.step].label}


class AssignmentAcceptView(AssignmentStepView, ButtonView):
    step, action = "accept", actions.assignment_accept
    success_message = _("已签收，请在时限内办结。")


class AssignmentReportView(AssignmentStepView):
    step, action, form_class = "report", actions.assignment_report, forms.ResultForm
    success_message = _("已报告办结。")


class AssignmentAssistView(AssignmentStepView):
    step, action, form_class = "assist", actions.assignment_request_assist, forms.AssistForm
    success_message = _("已商请协办，协办部门将收到通知。")

    def get_success_url_for(self, result):
        return self.object.get_absolute_url()


class AssignmentHandBackView(AssignmentStepView):
    step, action, form_class = "hand_back", actions.assignment_hand_back, forms.ReasonForm
    success_message = _("已退回，县委组织部将改派。")


class AssignmentConfirmView(AssignmentStepView, ButtonView):
    step, action = "confirm", actions.assignment_confirm
    success_message = _("已确认办结，上报人将收到通知。")


class AssignmentReturnView(AssignmentStepView):
    step, action, form_class = "return_report", actions.assignment_return_report, forms.ReasonForm
    success_message = _("已退回部门重办。")


class AssignmentReassignView(AssignmentStepView):
    step, action, form_class = "reassign", actions.assignment_reassign, forms.ReassignForm
    success_message = _("已改派，新的承办部门将收到通知。")


class IssueRouteView(ActionFormView):
    """The org department routes an issue at the county that the catalogue did not route."""

    form_class = forms.RouteForm
    action = actions.issue_route
    object_arg = "issue_id"
    title = _("交办部门：%(object)s")
    submit_label = _("交办")
    success_message = _("已交办，部门将收到通知。")

    object_selector = grid_selectors.issue_list


# --- 督办 ------------------------------------------------------------------------------------------


class SupervisionListView(ObjectListView):
    selector = selectors.supervision_list
    filterset_class = SupervisionFilterSet
    template_name = "departments/supervision_list.html"
    status_tabs = "state"
    title = _("督办")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": rules.is_county(self.request.user)}


class SupervisionAddView(ActionFormView):
    form_class = forms.SupervisionForm
    action = actions.supervision_open
    title = _("列入督办")
    submit_label = _("督办")
    success_message = _("已列入督办，承办部门和乡镇（街道）将收到通知。")

    def get_initial(self):
        issue = self.request.GET.get("issue", "")
        return {"issue": issue} if issue.isdigit() else {}


class SupervisionDetailView(ObjectDetailView):
    selector = selectors.supervision_list
    template_name = "departments/supervision_detail.html"
    context_object_name = "supervision"
    rules = rules.SUPERVISION

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["assignments"] = selectors.assignment_list(user=self.request.user).filter(issue_id=self.object.issue_id)
        return ctx


class SupervisionCloseView(ActionFormView):
    object_selector = selectors.supervision_list
    object_arg = "supervision_id"
    form_class = forms.CloseForm
    action = actions.supervision_close
    title = _("督办销号：%(object)s")
    submit_label = _("销号")
    success_message = _("督办已销号。")


# --- 吹哨报到 ---------------------------------------------------------------------------------------


class WhistleListView(ObjectListView):
    selector = selectors.whistle_list
    filterset_class = WhistleFilterSet
    template_name = "departments/whistle_list.html"
    status_tabs = "state"
    title = _("吹哨报到")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from governance.scoping import TOWNSHIP, role_paths

        ctx["can_blow"] = bool(role_paths(self.request.user, TOWNSHIP)) or self.request.user.is_superuser
        ctx["my_calls"] = selectors.call_list(user=self.request.user).filter(
            department_id__in=rules.department_ids(self.request.user), state__in=["pending", "missed"])[:50]
        return ctx


class WhistleAddView(ActionFormView):
    form_class = forms.WhistleForm
    action = actions.whistle_blow
    title = _("吹哨：点名部门报到")
    submit_label = _("吹哨")
    success_message = _("已吹哨，被点名的部门须在时限内报到。")

    def get_initial(self):
        issue = self.request.GET.get("issue", "")
        return {"issue": issue, "ack_hours": 24} if issue.isdigit() else {"ack_hours": 24}


class WhistleDetailView(ObjectDetailView):
    selector = selectors.whistle_list
    template_name = "departments/whistle_detail.html"
    context_object_name = "whistle"
    rules = rules.WHISTLE

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["calls"] = [(c, rules.CALL.allowed(user, c)) for c in selectors.whistle_calls(user=user, whistle=self.object)]
        return ctx


class WhistleCloseView(ActionFormView):
    object_selector = selectors.whistle_list
    object_arg = "whistle_id"
    form_class = forms.OutcomeForm
    action = actions.whistle_close
    title = _("吹哨办结：%(object)s")
    submit_label = _("办结")
    success_message = _("已记录处置结果。")


class CallStepView(ActionFormView):
    object_selector = selectors.call_list
    object_arg = "call_id"
    step = ""

    def get_title(self):
        return f"{rules.CALL[self.step].label}：{self.object.department} · {self.object.whistle}"


class CallAcknowledgeView(CallStepView):
    step, action, form_class = "acknowledge", actions.call_acknowledge, forms.AcknowledgeForm
    submit_label = _("报到")
    success_message = _("已报到响应，乡镇（街道）将收到通知。")


class CallAttendanceView(CallStepView):
    step, action, form_class = "attendance", actions.call_attendance, forms.AttendanceForm
    submit_label = _("保存")
    success_message = _("已记录到场情况。")


# --- Units and their supervising departments; the scorecard ----------------------------------------


class UnitSupervisorListView(ObjectListView):
    selector = selectors.unit_supervisor_list
    filterset_class = UnitSupervisorFilterSet
    template_name = "departments/unit_supervisor_list.html"
    title = _("共建单位主管部门")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_set": rules.is_county(self.request.user)}


class UnitSupervisorSetView(ActionFormView):
    form_class = forms.UnitSupervisorForm
    action = actions.unit_supervisor_set
    title = _("确定共建单位的主管部门")
    submit_label = _("保存")
    success_message = _("已确定主管部门。")
    success_url = "departments:unit_supervisor_list"


class ScorecardView(LoginRequiredMixin, TemplateView):
    """部门考核: per department and month, over the matters the user sees (a department: its own)."""

    template_name = "departments/scorecard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        since = parse_date(self.request.GET.get("since", "") or "") or (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
        until = parse_date(self.request.GET.get("until", "") or "") or today
        ctx.update(title=_("部门考核"), since=since, until=until,
                   rows=selectors.scorecard(user=self.request.user, since=since, until=until))
        return ctx


# --- 驻村干部 ---------------------------------------------------------------------------------------------


class StationedListView(ObjectListView):
    selector = selectors.stationed_list
    filterset_class = StationedCadreFilterSet
    template_name = "departments/stationed_list.html"
    status_tabs = "state"
    title = _("驻村干部")

    def get_context_data(self, **kwargs):
        from governance.scoping import COUNTY, TOWNSHIP, role_paths

        user = self.request.user
        return {**super().get_context_data(**kwargs),
                "can_station": user.is_superuser or bool(role_paths(user, COUNTY | TOWNSHIP))}


class StationedDetailView(ObjectDetailView):
    selector = selectors.stationed_list
    template_name = "departments/stationed_detail.html"
    context_object_name = "cadre"
    rules = rules.STATIONED

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["visits"] = selectors.stationed_visits(user=self.request.user, cadre=self.object)
        return ctx


class StationView(ActionFormView):
    form_class = forms.StationForm
    action = actions.stationed_cadre_station
    title = _("选派驻村干部")
    submit_label = _("选派")
    success_message = _("已选派驻村干部，任期开始后即计入在岗驻村干部。")


class StationedStepView(ActionFormView):
    object_selector = selectors.stationed_list
    object_arg = "cadre_id"
    step = ""

    def get_title(self):
        return f"{rules.STATIONED[self.step].label}：{self.object}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.STATIONED[self.step].label}


class StationedEndView(StationedStepView):
    step, action, form_class = "end", actions.stationed_cadre_end, forms.StationEndForm
    success_message = _("驻村任期已结束，记录保留为历史。")


class StationedVisitView(StationedStepView):
    step, action, form_class = "visit", actions.stationed_visit_log, forms.VisitForm
    success_message = _("已记录驻村工作。")
