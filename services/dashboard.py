"""The county dashboard's services figures and the Excel exports of orders and the fund ledger.

Every figure is one GROUP BY per model over the children of the region looked at (`Context.group`),
never a loop over rows. Counts that link to a list are stock figures (the list shows exactly the rows
counted: the dashboard passes `?region=<child>` only); shares, ratings and hours are over the page's
date range and have no list behind them. The trends are one GROUP BY by month each.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import (
    Avg, Case, Count, DateTimeField, DurationField, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q,
    Subquery, Sum, Value, When,
)
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from governance import dashboard as d
from governance.scoping import MANAGERS

from .models import (
    Expenditure, Fund, HardshipGroup, HardshipRecord, MemberReport, MicroWish, MicroWork, Order, OrderEvent, ServiceHour, Volunteer, VolunteerHour, VolunteerTeam,
)

S = Order.Status
FIRST_YEAR = 2019  # 微实事 counted "since 2019", the year the programme started in the county


class _ThisYear:
    """A list query string that names the current year when the link is drawn (not when the app loaded)."""

    def __init__(self, template: str):
        self.template = template

    def __str__(self) -> str:
        return self.template.format(year=timezone.localdate().year)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __bool__(self) -> bool:
        return True


def _share(part, whole):
    return part / whole if whole else None


# --- 订单式服务 ------------------------------------------------------------------------------------

def _stage_events(c: d.Context):
    """Events that close a stage (派单/接单/办理), each with its stage's limit and whether it kept it.

    A stage starts at the order's previous event and is on time when left within the menu item's
    limit for that stage (copied onto the order when it was placed)."""
    entered = Subquery(OrderEvent.objects.filter(order=OuterRef("order"), id__lt=OuterRef("id"))
                       .order_by("-id").values("at")[:1])
    limit_h = Case(
        When(from_status=S.PLACED, then=F("order__dispatch_hours")),
        When(from_status=S.DISPATCHED, then=F("order__accept_hours")),
        When(from_status=S.ACCEPTED, then=F("order__work_hours")),
        output_field=IntegerField(),
    )
    qs = (c.dated(c.scoped(OrderEvent), "at")
          .filter(from_status__in=[S.PLACED, S.DISPATCHED, S.ACCEPTED])
          .exclude(to_status=S.CANCELLED)
          .annotate(entered_at=entered, limit_h=limit_h)
          .annotate(due_at=ExpressionWrapper(
              F("entered_at") + ExpressionWrapper(F("limit_h") * Value(dt.timedelta(hours=1)),
                                                  output_field=DurationField()),
              output_field=DateTimeField())))
    return c.group(qs, "order__region__path")


def orders(c: d.Context):
    now = timezone.now()
    stock = d.rows_by_child(
        c.group(c.scoped(Order), "region__path"),
        orders=Count("id"),
        overdue=Count("id", filter=Q(status__in=Order.OPEN, stage_deadline__lt=now)),
        confirmed=Count("id", filter=Q(status=S.CONFIRMED)),
    )
    on_time = Q(at__lte=F("due_at"))
    stages = d.rows_by_child(
        _stage_events(c),
        dispatch_n=Count("id", filter=Q(from_status=S.PLACED)),
        dispatch_ok=Count("id", filter=Q(from_status=S.PLACED) & on_time),
        accept_n=Count("id", filter=Q(from_status=S.DISPATCHED)),
        accept_ok=Count("id", filter=Q(from_status=S.DISPATCHED) & on_time),
        work_n=Count("id", filter=Q(from_status=S.ACCEPTED)),
        work_ok=Count("id", filter=Q(from_status=S.ACCEPTED) & on_time),
    )
    handed_back = OrderEvent.objects.filter(order=OuterRef("pk"), to_status=S.PLACED,
                                            from_status__in=[S.DISPATCHED, S.ACCEPTED])
    dispatched = OrderEvent.objects.filter(order=OuterRef("pk"), to_status=S.DISPATCHED)
    period = d.rows_by_child(
        c.group(c.dated(c.scoped(Order), "created_at"), "region__path")
        .annotate(was_handed_back=Exists(handed_back), was_dispatched=Exists(dispatched)),
        rating=Avg("rating"),
        dispatched_n=Count("id", filter=Q(was_dispatched=True)),
        handed_back_n=Count("id", filter=Q(was_handed_back=True)),
    )
    out = d.merge(stock, stages, period)
    for v in out.values():
        v["dispatch_on_time"] = _share(v.get("dispatch_ok", 0), v.get("dispatch_n", 0))
        v["accept_on_time"] = _share(v.get("accept_ok", 0), v.get("accept_n", 0))
        v["work_on_time"] = _share(v.get("work_ok", 0), v.get("work_n", 0))
        v["handed_back_share"] = _share(v.get("handed_back_n", 0), v.get("dispatched_n", 0))
    return out


def orders_trend(c: d.Context):
    qs = c.group(c.dated(c.scoped(Order), "created_at"), "region__path")
    return d.monthly(c, qs, "created_at", placed=Count("id"), confirmed=Count("id", filter=Q(status=S.CONFIRMED)))


# --- 资金与微实事 -------------------------------------------------------------------------------------

def funds(c: d.Context):
    year = timezone.localdate().year
    money = d.rows_by_child(
        c.group(c.scoped(Fund), "region__path"),
        amount=Sum("amount_fen"), allocated=Sum("allocated_fen"), spent=Sum("spent_fen"),
    )
    for v in money.values():
        v["balance"] = (v["amount"] or 0) - (v["spent"] or 0)
    works = d.rows_by_child(
        c.group(c.scoped(MicroWork).filter(kind=MicroWork.Kind.MICRO_WORK, status=MicroWork.Status.ACCEPTED),
                "region__path"),
        works_this_year=Count("id", filter=Q(accepted_at__year=year)),
        works_since=Count("id", filter=Q(accepted_at__year__gte=FIRST_YEAR)),
    )
    return d.merge(money, works)


def funds_trend(c: d.Context):
    qs = c.group(c.scoped(Expenditure).filter(spent_on__gte=c.since, spent_on__lte=c.until),
                 "allocation__work__region__path")
    return d.monthly(c, qs, "spent_on", scale=0.01, fen=Sum("amount_fen"))  # fen → 元


# --- 志愿服务与双报到 --------------------------------------------------------------------------------

def volunteers(c: d.Context):
    teams = d.rows_by_child(c.group(c.scoped(VolunteerTeam), "region__path"), teams=Count("id"))
    members = d.rows_by_child(
        c.group(Volunteer.objects.filter(team__in=c.scoped(VolunteerTeam).values("pk")), "team__region__path"),
        volunteers=Count("id"),
    )
    hours = d.rows_by_child(
        c.group(VolunteerHour.objects.filter(activity__team__in=c.scoped(VolunteerTeam).values("pk"),
                                             activity__held_on__gte=c.since, activity__held_on__lte=c.until),
                "activity__team__region__path"),
        volunteer_hours=Sum("hours"),
    )
    reports = d.rows_by_child(c.group(c.scoped(MemberReport), "community__path"), reported=Count("id"))
    served = d.rows_by_child(
        c.group(c.scoped(ServiceHour).filter(served_on__gte=c.since, served_on__lte=c.until), "report__community__path"),
        reported_hours=Sum("hours"),
    )
    return d.merge(teams, members, hours, reports, served)


def hardship(c: d.Context):
    """困难群体: who is in the register and due for review, and the wishes met (confirmed) for each group."""
    today = timezone.localdate()
    register = d.rows_by_child(
        c.group(c.scoped(HardshipRecord).filter(ended_at__isnull=True), "resident__region__path"),
        in_register=Count("id"), review_due=Count("id", filter=Q(review_due__lte=today)))
    met = Q(status=MicroWish.Status.CONFIRMED)
    wishes = d.rows_by_child(
        c.group(c.scoped(MicroWish).exclude(group=""), "region__path"),
        **{f"wishes_{g}": Count("id", filter=met & Q(group=g)) for g in HardshipGroup.values})
    return d.merge(register, wishes)


def register_dashboard():
    d.register(d.Section(
        key="services-orders", title=_("订单式服务"), order=40, roles=MANAGERS, compute=orders, trend=orders_trend,
        trend_series=(("placed", _("下单")), ("confirmed", _("其中已办结"))),
        metrics=(
            d.Metric("orders", _("订单总数"), list_url="services:order_list", chart=True),
            d.Metric("overdue", _("超时未办"), list_url="services:order_list", list_params="overdue=true"),
            d.Metric("confirmed", _("已办结"), list_url="services:order_list", list_params="status=confirmed"),
            d.Metric("dispatch_on_time", _("派单按时率（本期）"), fmt="pct"),
            d.Metric("accept_on_time", _("接单按时率（本期）"), fmt="pct"),
            d.Metric("work_on_time", _("办理按时率（本期）"), fmt="pct"),
            d.Metric("rating", _("平均评价（本期）"), fmt="stars"),
            d.Metric("handed_back_share", _("退单占比（本期）"), fmt="pct"),
        ),
    ))
    d.register(d.Section(
        key="services-funds", title=_("专项资金与微实事"), order=41, roles=MANAGERS, compute=funds, trend=funds_trend,
        trend_series=(("fen", _("支出（元）")),),
        metrics=(
            d.Metric("amount", _("资金总额（元）"), fmt="money", list_url="services:fund_list"),
            d.Metric("allocated", _("已安排（元）"), fmt="money", list_url="services:fund_list"),
            d.Metric("spent", _("已支出（元）"), fmt="money", list_url="services:fund_list", chart=True),
            d.Metric("balance", _("余额（元）"), fmt="money", list_url="services:fund_list"),
            d.Metric("works_this_year", _("本年完成微实事"), list_url="services:micro_work_list",
                     list_params=_ThisYear("kind=micro_work&status=accepted&done_year={year}")),
            d.Metric("works_since", _("2019年以来完成微实事"), list_url="services:micro_work_list",
                     list_params=f"kind=micro_work&status=accepted&done_since={FIRST_YEAR}", chart=True),
        ),
    ))
    d.register(d.Section(
        key="services-volunteers", title=_("志愿服务与双报到"), order=42, roles=MANAGERS, compute=volunteers,
        metrics=(
            d.Metric("teams", _("志愿服务队"), list_url="services:volunteer_team_list", chart=True),
            d.Metric("volunteers", _("志愿者人数"), list_url="services:volunteer_team_list"),
            d.Metric("volunteer_hours", _("志愿服务时长（本期，小时）"), fmt="float"),
            d.Metric("reported", _("双报到党员"), list_url="services:reporting"),
            d.Metric("reported_hours", _("双报到服务时长（本期，小时）"), fmt="float"),
        ),
    ))
    d.register(d.Section(
        key="services-hardship", title=_("困难群体帮扶"), order=43, roles=MANAGERS, compute=hardship,
        metrics=(
            d.Metric("in_register", _("在册困难群众"), list_url="services:hardship_list", chart=True),
            d.Metric("review_due", _("应复核"), list_url="services:hardship_list", list_params="state=due"),
            *(d.Metric(f"wishes_{g}", format_lazy(_("{group}心愿已实现"), group=label), list_url="services:micro_wish_list",
                       list_params=f"status=confirmed&group={g}") for g, label in HardshipGroup.choices),
        ),
    ))


# --- Excel exports ---------------------------------------------------------------------------------

def _fund_ledger(*, user):
    from . import selectors

    return selectors.fund_list(user=user).annotate(
        unallocated=F("amount_fen") - F("allocated_fen"), balance=F("amount_fen") - F("spent_fen"))


def _yuan(fen):
    return (fen or 0) / 100


def register_exports():
    from governance import exports
    from governance.exports import Column, Export
    from governance.scoping import STAFF_ROLES, Role

    from . import selectors
    from .filtersets import ExpenditureFilterSet, FundFilterSet, OrderFilterSet

    exports.register(Export(
        key="services-orders", title=_("服务订单"), selector=selectors.order_list, filterset_class=OrderFilterSet,
        roles=STAFF_ROLES | {Role.UNIT_STAFF},
        columns=(
            Column(_("订单号"), "number", width=16), Column(_("服务名称"), "item_title", width=20),
            Column(_("类别"), "category_name", width=12), Column(_("所属区域"), "region__name", width=18),
            Column(_("统计代码"), "region__code", width=20),
            Column(_("渠道"), "channel", dict(Order.Channel.choices), width=10),
            Column(_("下单群众"), "resident__name", width=10), Column(_("联系电话"), "resident__phone_masked", width=14),
            Column(_("状态"), "status", dict(Order.Status.choices), width=8),
            Column(_("承接单位"), "unit__name", width=20), Column(_("下单时间"), "created_at", width=18),
            Column(_("本环节时限"), "stage_deadline", width=18), Column(_("办结时间"), "closed_at", width=18),
            Column(_("评价"), "rating", width=6),
        ),
    ))
    exports.register(Export(
        key="services-funds", title=_("专项资金台账"), selector=_fund_ledger, filterset_class=FundFilterSet,
        roles=STAFF_ROLES,
        columns=(
            Column(_("年度"), "year", width=8), Column(_("资金名称"), "name", width=28),
            Column(_("来源"), "source", dict(Fund.Source.choices), width=28),
            Column(_("管理区域"), "region__name", width=18), Column(_("统计代码"), "region__code", width=20),
            Column(_("总额（元）"), "amount_fen", _yuan), Column(_("已安排（元）"), "allocated_fen", _yuan),
            Column(_("未安排（元）"), "unallocated", _yuan), Column(_("已支出（元）"), "spent_fen", _yuan),
            Column(_("余额（元）"), "balance", _yuan),
        ),
    ))
    exports.register(Export(
        key="services-expenditures", title=_("资金支出明细"), selector=selectors.expenditure_list,
        filterset_class=ExpenditureFilterSet, roles=STAFF_ROLES,
        columns=(
            Column(_("支出日期"), "spent_on", width=12), Column(_("年度"), "allocation__fund__year", width=8),
            Column(_("资金名称"), "allocation__fund__name", width=28),
            Column(_("微实事"), "allocation__work__title", width=24),
            Column(_("村（社区）"), "allocation__work__region__name", width=18),
            Column(_("统计代码"), "allocation__work__region__code", width=20),
            Column(_("收款方"), "payee", width=20), Column(_("用途"), "purpose", width=28),
            Column(_("票据号"), "receipt_number", width=16), Column(_("金额（元）"), "amount_fen", _yuan),
            Column(_("经办人"), "recorded_by__first_name", width=10), Column(_("登记时间"), "recorded_at", width=18),
        ),
    ))
