"""Pages of services/: configuration on the core's generic views; every write goes through one action, declared
(governance.generic.ActionFormView / ButtonView), and every step a page offers is one its rule allows
(services/rules.py)."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q, Sum
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance.attachments import attachments_of
from governance.generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from governance.models import Region
from governance.offline import QueuedSubmitMixin
from governance.scoping import can, is_unrestricted, user_roles

from . import actions, filtersets as f, forms, rules, selectors
from .models import HardshipRecord, MenuItem, MicroWish, MicroWork, Order


def may(user, model, action: str = "add") -> bool:
    """Whether the user holds a role that may take `action` on some `model` (a list page's "new" button;
    the action checks the region)."""
    return is_unrestricted(user) or bool(model.scope_spec.roles_for(action) & user_roles(user))


class ServicesHomeView(LoginRequiredMixin, TemplateView):
    """The county/township view: orders per township with overdue counts; funds; volunteer totals."""

    template_name = "services/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["title"] = _("订单式服务")
        ctx["stats"] = selectors.order_stats(user=user)
        ctx["totals"] = {k: sum(r[k] for r in ctx["stats"]) for k in ("total", "open", "overdue", "done")}
        funds = selectors.fund_list(user=user).filter(year=timezone.localdate().year)
        ctx["fund_totals"] = funds.aggregate(amount=Sum("amount_fen"), allocated=Sum("allocated_fen"), spent=Sum("spent_fen"))
        ctx["works"] = selectors.micro_work_list(user=user).aggregate(
            total=Count("id"), accepted=Count("id", filter=Q(status=MicroWork.Status.ACCEPTED)))
        ctx["overdue"] = selectors.order_list(user=user).filter(status__in=Order.OPEN, stage_deadline__lt=timezone.now())[:10]
        return ctx


class RowVerbsMixin:
    """A list page whose rows offer their workflow's steps (`row.verbs`), one query per scope for the page."""

    row_rules = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_list"] = rules.offer_rows(self.row_rules, self.request.user, ctx["object_list"])
        return ctx


# --- 清单 ---------------------------------------------------------------------------------------

MENU_ALL = format_lazy("{}?all=1", reverse_lazy("services:menu_list"))  # the publisher's view of the menu


class MenuListView(RowVerbsMixin, ObjectListView):
    """The resident's "order a service" page: the menu of their township."""

    filterset_class = f.MenuSearchFilterSet
    template_name = "services/menu_list.html"
    title = _("服务清单")
    row_rules = rules.MENU_ITEM

    def get_base_queryset(self):
        user = self.request.user
        if self.request.GET.get("all") and user_roles(user) - {"resident"}:
            return selectors.menu_item_list(user=user)
        return selectors.menu_for_user(user=user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_publish": may(self.request.user, MenuItem)}


class MenuItemCreateView(ActionFormView):
    form_class = forms.MenuItemForm
    action = actions.menu_item_create
    title = _("发布服务事项")
    submit_label = _("发布")
    success_message = _("已发布服务事项。")
    success_url = MENU_ALL


class MenuItemWithdrawView(ButtonView):
    object_selector = selectors.menu_item_list
    object_arg = "item_id"
    action = actions.menu_item_withdraw
    title = _("撤回服务事项")
    submit_label = rules.MENU_ITEM["withdraw"].label
    success_message = _("已撤回该服务事项；已下的订单不受影响。")
    success_url = MENU_ALL


class OrderPlaceView(QueuedSubmitMixin, ActionFormView):
    """Also from a phone without signal: the order waits in the phone's queue and is placed once (issue #17)."""
    template_name = "services/order_place.html"
    object_selector = selectors.menu_item_list
    object_arg = "item_id"
    form_class = forms.OrderPlaceForm
    action = actions.order_place
    title = _("下单：%(object)s")
    submit_label = _("下单")
    success_message = _("已下单，村（社区）将尽快派单。")


# --- Orders --------------------------------------------------------------------------------------
class OrderListView(ObjectListView):
    selector = selectors.order_list
    filterset_class = f.OrderFilterSet
    template_name = "services/order_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("全部订单")
    export_key = "services-orders"  # the sub-lists below (mine, queue, inbox) export nothing of their own

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["export_key"] = self.export_key
        return ctx


class MyOrdersView(OrderListView):
    selector = selectors.order_mine
    export_key = None
    title = _("我的订单")


class DispatchQueueView(OrderListView):
    selector = selectors.order_dispatch_queue
    title = _("待派单（大党委派订单）")
    export_key = None


class UnitInboxView(OrderListView):
    selector = selectors.order_unit_inbox
    title = _("本单位订单（接单）")
    export_key = None


class OrderDetailView(ObjectDetailView):
    selector = selectors.order_list
    template_name = "services/order_detail.html"
    context_object_name = "order"
    rules = rules.ORDER  # the steps offered are the ones the actions would allow

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = selectors.order_events(user=self.request.user, order=self.object)
        ctx["attachments"] = attachments_of(self.object)
        return ctx


class OrderStepView(ActionFormView):
    """One step of the chain on one order, declared by its rule (services/rules.py)."""

    object_selector = selectors.order_list
    object_arg = "order_id"
    step = ""

    def get_title(self):
        return f"{rules.ORDER[self.step].label} · {self.object.number} {self.object.item_title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.ORDER[self.step].label}


class OrderDispatchView(OrderStepView):
    step, action = "dispatch", actions.order_dispatch
    form_class, form_object_arg = forms.DispatchForm, "order"
    success_message = _("已派单，承接单位将收到通知。")


class OrderAcceptView(OrderStepView, ButtonView):
    step, action = "accept", actions.order_accept
    success_message = _("已接单，请在办理时限内办结。")


class OrderHandBackView(OrderStepView):
    step, action, form_class = "hand_back", actions.order_hand_back, forms.ReasonForm
    success_message = _("已退回，订单回到村（社区）待派单。")
    success_url = "services:order_inbox"


class OrderCompleteView(OrderStepView):
    step, action, form_class = "complete", actions.order_complete, forms.NoteForm
    success_message = _("已办结，等待下单群众确认评价。")


class OrderConfirmView(OrderStepView):
    step, action, form_class = "confirm", actions.order_confirm, forms.ConfirmForm
    success_message = _("感谢评价，订单已完成。")


class OrderReopenView(OrderStepView):
    step, action, form_class = "reopen", actions.order_reopen, forms.ReasonForm
    success_message = _("已要求重新办理，订单已退回承接单位。")


class OrderCancelView(OrderStepView):
    step, action, form_class = "cancel", actions.order_cancel, forms.OptionalReasonForm
    success_message = _("订单已撤销。")


# --- Micro-works, funds --------------------------------------------------------------------------

class MicroWorkBoardView(ObjectListView):
    """微实事 board with the balances of the funds that pay for them."""

    selector = selectors.micro_work_board
    filterset_class = f.MicroWorkFilterSet
    template_name = "services/micro_work_list.html"
    title = _("微实事")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["funds"] = selectors.fund_list(user=self.request.user).filter(year=timezone.localdate().year)[:20]
        ctx["can_propose"] = may(self.request.user, MicroWork, "propose")
        return ctx


class MicroWorkDetailView(ObjectDetailView):
    selector = selectors.micro_work_board
    template_name = "services/micro_work_detail.html"
    context_object_name = "work"
    rules = rules.MICRO_WORK  # the steps offered are the ones the actions would allow

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, work = self.request.user, self.object
        ctx["allocations"] = rules.offer_rows(rules.ALLOCATION, user, selectors.allocation_list(user=user).filter(work=work))
        ctx["expenditures"] = selectors.expenditure_list(user=user).filter(allocation__work=work)
        ctx["events"] = work.events.select_related("actor")
        ctx["photos"] = attachments_of(work)
        return ctx


class MicroWorkCreateView(ActionFormView):
    form_class = forms.MicroWorkForm
    action = actions.micro_work_propose
    title = _("申报微实事")
    submit_label = _("申报")
    success_message = _("已申报，等待乡镇审批。")

    def action_kwargs(self, form):
        d = dict(form.cleaned_data)
        d["budget_fen"] = d.pop("budget")
        return d


class MicroWorkStepView(ActionFormView):
    """One step of a micro-work, declared by its rule (services/rules.py)."""

    object_selector = selectors.micro_work_list
    object_arg = "work_id"
    step = ""

    def get_title(self):
        return f"{rules.MICRO_WORK[self.step].label} · {self.object.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.MICRO_WORK[self.step].label}


class MicroWorkDecideView(MicroWorkStepView):
    step, action, form_class = "decide", actions.micro_work_decide, forms.DecisionForm
    success_message = _("已审批。")


class MicroWorkStartView(MicroWorkStepView, ButtonView):
    step, action = "start", actions.micro_work_start
    success_message = _("已开工，完工后请申请验收。")


class MicroWorkAcceptView(MicroWorkStepView):
    step, action, form_class = "accept", actions.micro_work_accept, forms.AcceptanceForm
    success_message = _("已验收，该微实事已公示。")


class MicroWorkAllocateView(MicroWorkStepView):
    step, action, form_class, form_object_arg = "allocate", actions.allocation_create, forms.AllocationForm, "work"
    success_message = _("已安排资金。")

    def action_kwargs(self, form):
        d = super().action_kwargs(form)
        d["fund_id"], d["amount_fen"] = d.pop("fund").pk, d.pop("amount")
        return d


class ExpenditureCreateView(ActionFormView):
    object_selector = selectors.allocation_list
    object_arg = "allocation_id"
    form_class = forms.ExpenditureForm
    action = actions.expenditure_record
    title = _("登记支出 · %(object)s")
    submit_label = rules.ALLOCATION["spend"].label
    success_message = _("已登记支出。")

    def get_initial(self):
        return {"spent_on": timezone.localdate()}

    def action_kwargs(self, form):
        d = super().action_kwargs(form)
        d["amount_fen"] = d.pop("amount")
        return d


class FundListView(ObjectListView):
    selector = selectors.fund_list
    filterset_class = f.FundFilterSet
    template_name = "services/fund_list.html"
    title = _("专项资金")


class FundDetailView(ObjectDetailView):
    selector = selectors.fund_list
    template_name = "services/fund_detail.html"
    context_object_name = "fund"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["allocations"] = selectors.allocation_list(user=self.request.user).filter(fund=self.object)[:200]
        ctx["expenditures"] = selectors.expenditure_list(user=self.request.user).filter(allocation__fund=self.object)[:200]
        return ctx


class FacilityListView(ObjectListView):
    selector = selectors.facility_list
    filterset_class = f.FacilityFilterSet
    template_name = "services/facility_list.html"
    title = _("村（社区）党群服务中心")


# --- Micro-wishes --------------------------------------------------------------------------------

class MicroWishListView(RowVerbsMixin, ObjectListView):
    selector = selectors.micro_wish_list
    filterset_class = f.MicroWishFilterSet
    template_name = "services/micro_wish_list.html"
    title = _("微心愿")
    row_rules = rules.MICRO_WISH

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_post": may(self.request.user, MicroWish, "post")}


class MicroWishCreateView(ActionFormView):
    form_class = forms.MicroWishForm
    action = actions.micro_wish_post
    title = _("发布微心愿")
    submit_label = _("发布")
    success_message = _("已发布心愿。")
    success_url = "services:micro_wish_list"


# --- 困难群体 -------------------------------------------------------------------------------------

class HardshipListView(ObjectListView):
    selector = selectors.hardship_list
    filterset_class = f.HardshipRecordFilterSet
    template_name = "services/hardship_list.html"
    title = _("困难群体名册")
    intro = _("低保、特困/五保、残疾、留守老人和儿童，由村（社区）和乡镇登记，定期复核；微心愿和志愿服务据此帮扶。")

    def get_queryset(self):
        # In the register (not ended) unless a state is asked for: the office's working list.
        qs = super().get_queryset()
        return qs if self.request.GET.get("state") else qs.filter(ended_at__isnull=True)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "today": timezone.localdate(),
                "can_add": may(self.request.user, HardshipRecord, "change")}


class HardshipDetailView(ObjectDetailView):
    selector = selectors.hardship_list
    template_name = "services/hardship_detail.html"
    context_object_name = "record"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        record = self.object
        ctx["can_change"] = record.ended_at is None and can(self.request.user, record, "change")
        ctx["wishes"] = selectors.micro_wish_list(user=self.request.user).filter(resident=record.resident)[:20]
        ctx["today"] = timezone.localdate()
        return ctx


class HardshipCreateView(ActionFormView):
    form_class = forms.HardshipForm
    action = actions.hardship_register
    title = _("登记困难群众")
    submit_label = _("登记")
    success_message = _("已登记。")


class HardshipReviewView(ActionFormView):
    object_selector = selectors.hardship_list
    object_action = "change"
    object_arg = "record_id"
    form_class = forms.HardshipReviewForm
    action = actions.hardship_review
    title = _("复核 · %(object)s")
    submit_label = _("复核通过")
    success_message = _("已复核，下次复核日期已更新。")


class HardshipEndView(ActionFormView):
    object_selector = selectors.hardship_list
    object_action = "change"
    object_arg = "record_id"
    form_class = forms.HardshipEndForm
    action = actions.hardship_end
    title = _("退出名册 · %(object)s")
    submit_label = _("退出")
    success_message = _("已退出名册，记录保留。")


class MicroWishStepView(ActionFormView):
    """One step of a micro-wish, declared by its rule (services/rules.py)."""

    object_selector = selectors.micro_wish_list
    object_arg = "wish_id"
    success_url = "services:micro_wish_list"
    step = ""

    def get_title(self):
        return f"{rules.MICRO_WISH[self.step].label} · {self.object.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.MICRO_WISH[self.step].label}


class MicroWishClaimView(MicroWishStepView):
    step, action, form_class = "claim", actions.micro_wish_claim, forms.WishClaimForm
    success_message = _("已认领心愿，兑现后请登记。")


class MicroWishFulfilView(MicroWishStepView):
    step, action, form_class = "fulfil", actions.micro_wish_fulfil, forms.NoteForm
    success_message = _("已登记兑现，等待村（社区）确认。")


class MicroWishConfirmView(MicroWishStepView, ButtonView):
    step, action = "confirm", actions.micro_wish_confirm
    success_message = _("已确认心愿实现。")


# --- Errands -------------------------------------------------------------------------------------

class ErrandListView(ObjectListView):
    selector = selectors.errand_list
    filterset_class = f.ErrandFilterSet
    template_name = "services/errand_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("全程代办")


class ErrandDetailView(ObjectDetailView):
    selector = selectors.errand_list
    template_name = "services/errand_detail.html"
    context_object_name = "errand"
    rules = rules.ERRAND

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "events": self.object.events.select_related("actor")}


class ErrandCreateView(ActionFormView):
    form_class = forms.ErrandForm
    action = actions.errand_create
    title = _("受理代办事项")
    submit_label = _("受理")
    success_message = _("已受理代办事项。")


class ErrandAdvanceView(ActionFormView):
    object_selector = selectors.errand_list
    object_arg = "errand_id"
    form_class = forms.ErrandAdvanceForm
    action = actions.errand_advance
    title = _("更新进度 · %(object)s")
    submit_label = rules.ERRAND["advance"].label
    success_message = _("已更新代办进度。")


# --- Volunteers ----------------------------------------------------------------------------------

class VolunteerTeamListView(ObjectListView):
    selector = selectors.volunteer_team_list
    filterset_class = f.VolunteerTeamFilterSet
    template_name = "services/volunteer_team_list.html"
    title = _("党员志愿服务队")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["by_township"] = selectors.volunteer_totals_by_region(user=user, level=Region.Level.TOWNSHIP)
        ctx["by_village"] = selectors.volunteer_totals_by_region(user=user, level=Region.Level.VILLAGE)[:30]
        return ctx


class VolunteerTeamDetailView(ObjectDetailView):
    selector = selectors.volunteer_team_list
    template_name = "services/volunteer_team_detail.html"
    context_object_name = "team"
    rules = rules.VOLUNTEER_TEAM

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = selectors.team_members(user=self.request.user, team=self.object).annotate(
            total=Sum("hours__hours"))
        ctx["activities"] = selectors.volunteer_activity_list(user=self.request.user).filter(team=self.object)[:50]
        return ctx


class VolunteerTeamCreateView(ActionFormView):
    form_class = forms.VolunteerTeamForm
    action = actions.volunteer_team_create
    title = _("组建党员志愿服务队")
    submit_label = _("组建")
    success_message = _("已组建服务队。")


class VolunteerActivityCreateView(ActionFormView):
    object_selector = selectors.volunteer_team_list
    object_arg = "team_id"
    form_class = forms.VolunteerActivityForm
    form_object_arg = "team"
    action = actions.volunteer_activity_record
    title = _("登记志愿服务活动 · %(object)s")
    submit_label = rules.VOLUNTEER_TEAM["record_activity"].label
    success_message = _("已登记活动和服务时长。")

    def action_kwargs(self, form):
        d = super().action_kwargs(form)
        hours = d.pop("hours")
        d["hours"] = {v.pk: hours for v in d.pop("participants")}  # the same hours for every participant
        return d


# --- 双报到 -------------------------------------------------------------------------------------

class ReportingView(LoginRequiredMixin, TemplateView):
    """Who has reported to the community (units and party members) and each member's hours this year."""

    template_name = "services/reporting.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["title"] = _("双报到")
        units, members = selectors.unit_report_list(user=user), selectors.member_report_list(user=user)
        region = self.request.GET.get("region", "")
        if region:
            units = f.ReportingRegionFilterSet({"region": region}, queryset=units).qs
            members = f.ReportingRegionFilterSet({"region": region}, queryset=members).qs
        ctx["unit_reports"] = rules.offer_rows(rules.UNIT_REPORT, user, units[:200])
        ctx["member_reports"] = rules.offer_rows(rules.MEMBER_REPORT, user,
                                                 members.order_by("community__path", "name")[:300])
        ctx["activities"] = selectors.joint_activity_list(user=user)[:30]
        ctx["year"] = timezone.localdate().year
        return ctx


class UnitReportCreateView(ActionFormView):
    form_class = forms.UnitReportForm
    action = actions.unit_report_create
    title = _("单位双报到")
    submit_label = _("报到")
    success_message = _("单位已报到。")
    success_url = "services:reporting"


class JointActivityCreateView(ActionFormView):
    object_selector = selectors.unit_report_list
    object_arg = "report_id"
    form_class = forms.JointActivityForm
    action = actions.joint_activity_record
    title = _("登记“六联动”活动 · %(object)s")
    submit_label = rules.UNIT_REPORT["record_activity"].label
    success_message = _("已登记联动活动。")
    success_url = "services:reporting"


class MemberReportCreateView(ActionFormView):
    form_class = forms.MemberReportForm
    action = actions.member_report_create
    title = _("在职党员双报到")
    submit_label = _("报到")
    success_message = _("已向居住地村（社区）报到。")
    success_url = "services:reporting"


class ServiceHourCreateView(ActionFormView):
    object_selector = selectors.member_report_list
    object_arg = "report_id"
    form_class = forms.ServiceHourForm
    action = actions.service_hour_log
    title = _("登记服务时长 · %(object)s")
    submit_label = rules.MEMBER_REPORT["log_hours"].label
    success_message = _("已登记服务时长。")
    success_url = "services:reporting"
