"""Pages of services/: configuration on the core's generic views; every write goes through one action."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance.attachments import attachments_of
from governance.generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from governance.models import Region
from governance.scoping import can, user_roles

from . import actions, filtersets as f, forms, rules, selectors
from .models import MicroWork, Order


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


# --- 清单 ---------------------------------------------------------------------------------------

class MenuListView(ObjectListView):
    """The resident's "order a service" page: the menu of their township."""

    filterset_class = f.MenuSearchFilterSet
    template_name = "services/menu_list.html"
    title = _("服务清单")

    def get_base_queryset(self):
        user = self.request.user
        if self.request.GET.get("all") and user_roles(user) - {"resident"}:
            return selectors.menu_item_list(user=user)
        return selectors.menu_for_user(user=user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_publish"] = bool({"county_admin", "township_head", "township_staff"} & user_roles(self.request.user))
        return ctx


class MenuItemCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.MenuItemForm
    success_message = _("已发布服务事项。")
    extra_context = {"title": _("发布服务事项")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        actions.menu_item_create(actor=self.request.user, township=d["township"], category=d["category"], code=d["code"],
                                 title=d["title"], description=d["description"], units=list(d["units"]),
                                 dispatch_hours=d["dispatch_hours"], accept_hours=d["accept_hours"],
                                 work_hours=d["work_hours"])
        return reverse("services:menu_list") + "?all=1"


class MenuItemWithdrawView(ActionFormView):
    template_name = "services/confirm.html"
    form_class = forms.EmptyForm
    success_message = _("已撤回该服务事项；已下的订单不受影响。")

    def load(self, pk):
        self.item = get_object_or_404(selectors.menu_item_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("撤回服务事项"), "subject": self.item.title}

    def perform(self, form):
        actions.menu_item_withdraw(actor=self.request.user, item_id=self.item.pk)
        return reverse("services:menu_list") + "?all=1"


class OrderPlaceView(ActionFormView):
    template_name = "services/order_place.html"
    form_class = forms.OrderPlaceForm
    success_message = _("已下单，村（社区）将尽快派单。")

    def load(self, pk):
        self.item = get_object_or_404(selectors.menu_item_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("下单：%(t)s") % {"t": self.item.title}, "item": self.item}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.order_place(actor=self.request.user, item_id=self.item.pk, note=d["note"],
                                   resident=d.get("resident"), attachment=d.get("attachment"))


# --- Orders --------------------------------------------------------------------------------------

class OrderListView(ObjectListView):
    selector = selectors.order_list
    filterset_class = f.OrderFilterSet
    template_name = "services/order_list.html"
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
        ctx["can_propose"] = bool({"village_secretary", "village_assistant", "township_head", "county_admin"}
                                  & user_roles(self.request.user))
        return ctx


class MicroWorkDetailView(ObjectDetailView):
    selector = selectors.micro_work_board
    template_name = "services/micro_work_detail.html"
    context_object_name = "work"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, work = self.request.user, self.object
        ctx["allocations"] = selectors.allocation_list(user=user).filter(work=work)
        ctx["expenditures"] = selectors.expenditure_list(user=user).filter(allocation__work=work)
        ctx["events"] = work.events.select_related("actor")
        ctx["photos"] = attachments_of(work)
        S = MicroWork.Status
        ctx["can"] = {
            "decide": work.status == S.PROPOSED and can(user, work, "approve"),
            "allocate": work.status in (S.APPROVED, S.IN_PROGRESS) and can(user, work, "approve"),
            "start": work.status == S.APPROVED and can(user, work, "carry_out"),
            "accept": work.status == S.IN_PROGRESS and can(user, work, "accept"),
            "spend": can(user, work, "carry_out"),
        }
        return ctx


class MicroWorkCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.MicroWorkForm
    success_message = _("已申报，等待乡镇审批。")
    extra_context = {"title": _("申报微实事")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        facility = getattr(d["region"], "service_center", None) if d["kind"] == MicroWork.Kind.CENTER_PROJECT else None
        return actions.micro_work_propose(actor=self.request.user, region=d["region"], title=d["title"],
                                          budget_fen=d["budget"], description=d["description"],
                                          category=d["category"], kind=d["kind"], facility=facility)


class MicroWorkActionView(ActionFormView):
    template_name = "governance/form.html"
    verb = ""
    labels = {"decide": _("审批"), "start": _("开工"), "accept": _("验收"), "allocate": _("安排资金")}

    def load(self, pk):
        self.work = get_object_or_404(selectors.micro_work_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": f"{self.labels[self.verb]} · {self.work.title}"}

    def get_form_class(self):
        return {"decide": forms.DecisionForm, "start": forms.EmptyForm, "accept": forms.AcceptanceForm,
                "allocate": forms.AllocationForm}[self.verb]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.verb == "allocate":
            kwargs.update(user=self.request.user, work=self.work)
        return kwargs

    def perform(self, form):
        d, user, pk = form.cleaned_data, self.request.user, self.work.pk
        if self.verb == "decide":
            return actions.micro_work_decide(actor=user, work_id=pk, approve=d["approve"], note=d["note"])
        if self.verb == "start":
            return actions.micro_work_start(actor=user, work_id=pk)
        if self.verb == "accept":
            return actions.micro_work_accept(actor=user, work_id=pk, note=d["note"], photos=d["photos"])
        actions.allocation_create(actor=user, fund_id=d["fund"].pk, work_id=pk, amount_fen=d["amount"])
        return self.work


class ExpenditureCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.ExpenditureForm
    success_message = _("已登记支出。")

    def load(self, pk):
        self.allocation = get_object_or_404(selectors.allocation_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("登记支出 · %(a)s") % {"a": self.allocation}}

    def get_initial(self):
        return {"spent_on": timezone.localdate()}

    def perform(self, form):
        d = form.cleaned_data
        actions.expenditure_record(actor=self.request.user, allocation_id=self.allocation.pk, amount_fen=d["amount"],
                                   payee=d["payee"], purpose=d["purpose"], receipt_number=d["receipt_number"],
                                   spent_on=d["spent_on"], receipt=d.get("receipt"))
        return self.allocation.work


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

class MicroWishListView(ObjectListView):
    selector = selectors.micro_wish_list
    filterset_class = f.MicroWishFilterSet
    template_name = "services/micro_wish_list.html"
    title = _("微心愿")


class MicroWishCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.MicroWishForm
    success_message = _("已发布心愿。")
    extra_context = {"title": _("发布微心愿")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        actions.micro_wish_post(actor=self.request.user, resident=form.cleaned_data["resident"],
                                title=form.cleaned_data["title"])
        return reverse("services:micro_wish_list")


class MicroWishActionView(ActionFormView):
    template_name = "governance/form.html"
    verb = ""

    def load(self, pk):
        self.wish = get_object_or_404(selectors.micro_wish_list(user=self.request.user), pk=pk)
        label = {"claim": _("认领心愿"), "fulfil": _("登记兑现"), "confirm": _("确认心愿已实现")}[self.verb]
        self.extra_context = {"title": f"{label} · {self.wish.title}"}

    def get_form_class(self):
        return {"claim": forms.WishClaimForm, "fulfil": forms.NoteForm, "confirm": forms.EmptyForm}[self.verb]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "user": self.request.user} if self.verb == "claim" else kwargs

    def perform(self, form):
        d, user, pk = form.cleaned_data, self.request.user, self.wish.pk
        if self.verb == "claim":
            actions.micro_wish_claim(actor=user, wish_id=pk, unit=d.get("unit"))
        elif self.verb == "fulfil":
            actions.micro_wish_fulfil(actor=user, wish_id=pk, note=d["note"])
        else:
            actions.micro_wish_confirm(actor=user, wish_id=pk)
        return reverse("services:micro_wish_list")


# --- Errands -------------------------------------------------------------------------------------

class ErrandListView(ObjectListView):
    selector = selectors.errand_list
    filterset_class = f.ErrandFilterSet
    template_name = "services/errand_list.html"
    title = _("全程代办")


class ErrandDetailView(ObjectDetailView):
    selector = selectors.errand_list
    template_name = "services/errand_detail.html"
    context_object_name = "errand"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = self.object.events.select_related("actor")
        ctx["can_handle"] = self.object.status in actions.ERRAND_MOVES and can(self.request.user, self.object, "handle")
        return ctx


class ErrandCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.ErrandForm
    success_message = _("已受理代办事项。")
    extra_context = {"title": _("受理代办事项")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.errand_create(actor=self.request.user, resident=d["resident"], kind=d["kind"], title=d["title"],
                                     detail=d["detail"])


class ErrandAdvanceView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.ErrandAdvanceForm
    success_message = _("已更新代办进度。")

    def load(self, pk):
        self.errand = get_object_or_404(selectors.errand_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("更新进度 · %(t)s") % {"t": self.errand.title}}

    def perform(self, form):
        return actions.errand_advance(actor=self.request.user, errand_id=self.errand.pk,
                                      to_status=form.cleaned_data["to_status"], note=form.cleaned_data["note"])


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

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.object.members.annotate(total=Sum("hours__hours")).order_by("name")
        ctx["activities"] = selectors.volunteer_activity_list(user=self.request.user).filter(team=self.object)[:50]
        ctx["can_manage"] = can(self.request.user, self.object, "manage")
        return ctx


class VolunteerTeamCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.VolunteerTeamForm
    success_message = _("已组建服务队。")
    extra_context = {"title": _("组建党员志愿服务队")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        team = actions.volunteer_team_create(actor=self.request.user, region=d["region"], name=d["name"],
                                             leader_name=d["leader_name"], members=d["members"].splitlines())
        return reverse("services:volunteer_team_detail", args=[team.pk])


class VolunteerActivityCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.VolunteerActivityForm
    success_message = _("已登记活动和服务时长。")

    def load(self, pk):
        self.team = get_object_or_404(selectors.volunteer_team_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("登记志愿服务活动 · %(t)s") % {"t": self.team.name}}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.team}

    def perform(self, form):
        d = form.cleaned_data
        actions.volunteer_activity_record(actor=self.request.user, team_id=self.team.pk, title=d["title"],
                                          held_on=d["held_on"], place=d["place"],
                                          hours={v.pk: d["hours"] for v in d["participants"]})
        return reverse("services:volunteer_team_detail", args=[self.team.pk])


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
        ctx["unit_reports"] = units[:200]
        ctx["member_reports"] = members.order_by("community__path", "name")[:300]
        ctx["activities"] = selectors.joint_activity_list(user=user)[:30]
        ctx["year"] = timezone.localdate().year
        return ctx


class UnitReportCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.UnitReportForm
    success_message = _("单位已报到。")
    extra_context = {"title": _("单位双报到")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        actions.unit_report_create(actor=self.request.user, unit=d["unit"], community=d["community"],
                                   commitments=d["commitments"])
        return reverse("services:reporting")


class JointActivityCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.JointActivityForm
    success_message = _("已登记联动活动。")

    def load(self, pk):
        self.report = get_object_or_404(selectors.unit_report_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("登记“六联动”活动 · %(r)s") % {"r": self.report}}

    def perform(self, form):
        d = form.cleaned_data
        actions.joint_activity_record(actor=self.request.user, report_id=self.report.pk, heading=d["heading"],
                                      title=d["title"], held_on=d["held_on"], participants=d["participants"],
                                      description=d["description"])
        return reverse("services:reporting")


class MemberReportCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.MemberReportForm
    success_message = _("已向居住地村（社区）报到。")
    extra_context = {"title": _("在职党员双报到")}

    def perform(self, form):
        d = form.cleaned_data
        actions.member_report_create(actor=self.request.user, community=d["community"], name=d["name"],
                                     workplace=d["workplace"])
        return reverse("services:reporting")


class ServiceHourCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.ServiceHourForm
    success_message = _("已登记服务时长。")

    def load(self, pk):
        self.report = get_object_or_404(selectors.member_report_list(user=self.request.user), pk=pk)
        self.extra_context = {"title": _("登记服务时长 · %(n)s") % {"n": self.report.name}}

    def perform(self, form):
        d = form.cleaned_data
        actions.service_hour_log(actor=self.request.user, report_id=self.report.pk, served_on=d["served_on"],
                                 hours=d["hours"], activity=d["activity"])
        return reverse("services:reporting")


