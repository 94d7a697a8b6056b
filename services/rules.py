"""Who may take which step of services/ workflows, declared once (governance.rules): the actions check these
rules on the row they load (or move the state with a conditional UPDATE from `rule.states`), the pages
offer exactly the steps they allow — the order chain, micro-works, micro-wishes, errands, the menu, the
volunteer teams and the double-reporting records."""
from django.utils.translation import gettext_lazy as _

from governance.rules import Offer, Rule, Rules
from governance.scoping import MANAGERS, can, is_unrestricted, region_allows

from . import forms
from .models import Allocation, Errand, MemberReport, MenuItem, MicroWish, MicroWork, Order, UnitReport, VolunteerTeam

S = Order.Status


def works_for_unit(user, order) -> bool:
    """The order is dispatched to a unit the user works for (the action's scoped load annotates this)."""
    if order.unit_id is None:
        return False
    if is_unrestricted(user):
        return True
    flag = getattr(order, "actor_works_there", None)
    return bool(flag) if flag is not None else order.unit.staff.filter(pk=user.pk).exists()


def placed_it(user, order) -> bool:
    """The placer confirms, rates, reopens or cancels; an Open311 order has no portal user, so the village
    office confirms it after calling back."""
    if order.placed_by_id is None:
        return can(user, order, "dispatch")
    return order.placed_by_id == user.pk


_unit = dict(scope=None, who=works_for_unit, denial=_("该订单未派给您所在的单位，不能操作。"))
_placer = dict(scope=None, who=placed_it, denial=_("只有下单人可以确认、评价或撤销订单。"))

ORDER = Rules(Order, [
    Rule("dispatch", _("派单"), states=frozenset({S.PLACED}), scope="dispatch", url_name="services:order_dispatch",
         asks=True, form=forms.DispatchForm, form_object_arg="order",
         refusal=_("该订单已被派出或已变更（当前状态：%(status)s），请刷新后查看。")),
    Rule("accept", _("接单"), states=frozenset({S.DISPATCHED}), url_name="services:order_accept",
         refusal=_("该订单已被接单或已变更（当前状态：%(status)s），无需重复操作。"), **_unit),
    Rule("complete", _("办结"), states=frozenset({S.ACCEPTED}), url_name="services:order_complete", asks=True,
         form=forms.NoteForm, refusal=_("该订单当前状态为“%(status)s”，不能办结。"), **_unit),
    Rule("hand_back", _("退回派单"), states=frozenset({S.DISPATCHED, S.ACCEPTED}), url_name="services:order_hand_back",
         asks=True, form=forms.ReasonForm, style="outline-secondary", refusal=_("该订单当前状态为“%(status)s”，不能退回。"), **_unit),
    Rule("confirm", _("确认并评价"), states=frozenset({S.COMPLETED}), url_name="services:order_confirm", asks=True,
         form=forms.ConfirmForm, refusal=_("该订单当前状态为“%(status)s”，还不能确认评价。"), **_placer),
    Rule("reopen", _("要求重新办理"), states=frozenset({S.COMPLETED}), url_name="services:order_reopen", asks=True,
         form=forms.ReasonForm, style="outline-secondary", refusal=_("该订单当前状态为“%(status)s”，不能要求重新办理。"), **_placer),
    Rule("cancel", _("撤销订单"), states=frozenset({S.PLACED}), url_name="services:order_cancel", asks=True,
         form=forms.OptionalReasonForm, style="outline-secondary", refusal=_("订单已派出（当前状态：%(status)s），不能再撤销。"), **_placer),
])


# --- 清单 ---------------------------------------------------------------------------------------

def runs_its_township(user, item) -> bool:
    """A menu is its township's: the township's own staff (or the county) withdraw its items."""
    return region_allows(user, item.township, MenuItem.scope_spec.roles_for("change"))


MENU_ITEM = Rules(MenuItem, [
    Rule("withdraw", _("撤回"), states=frozenset({MenuItem.Status.ACTIVE}), scope="change", who=runs_its_township,
         url_name="services:menu_withdraw", style="link", denial=_("只有本乡镇（街道）或县里可以撤回该服务事项。"),
         refusal=_("该服务事项已撤回。")),
])


# --- 微实事 -------------------------------------------------------------------------------------

MW = MicroWork.Status
_work_refusal = _("该微实事当前状态为“%(status)s”，不能执行此操作。")

MICRO_WORK = Rules(MicroWork, [
    Rule("decide", _("审批"), states=frozenset({MW.PROPOSED}), scope="approve", url_name="services:micro_work_decide",
         asks=True, form=forms.DecisionForm, refusal=_work_refusal),
    # Money is set aside by the township or county for a work approved and not yet accepted.
    Rule("allocate", _("安排资金"), states=frozenset({MW.APPROVED, MW.IN_PROGRESS}), scope="approve",
         url_name="services:micro_work_allocate", asks=True, form=forms.AllocationForm, form_object_arg="work",
         refusal=_("只有审批通过、尚未验收的微实事可以安排资金。")),
    Rule("start", _("开工"), states=frozenset({MW.APPROVED}), scope="carry_out", url_name="services:micro_work_start",
         refusal=_work_refusal),
    # Its own page, not a dialog: the acceptance uploads photos.
    Rule("accept", _("验收"), states=frozenset({MW.IN_PROGRESS}), scope="accept", url_name="services:micro_work_accept",
         asks=True, style="success", refusal=_work_refusal),
])

SPENDABLE = frozenset({MW.APPROVED, MW.IN_PROGRESS, MW.ACCEPTED})


def work_under_way(user, allocation) -> bool:
    """Money is paid out of an allocation while its work is approved, under way or just accepted."""
    return allocation.work.status in SPENDABLE


ALLOCATION = Rules(Allocation, [
    Rule("spend", _("登记支出"), scope="spend", who=work_under_way, url_name="services:allocation_spend", asks=True,
         denial=_("该微实事未在实施，不能支出。")),
])


# --- 微心愿 -------------------------------------------------------------------------------------

WS = MicroWish.Status


def claimed_it(user, wish) -> bool:
    return wish.claimed_by_id is not None and wish.claimed_by_id == user.pk


MICRO_WISH = Rules(MicroWish, [
    Rule("claim", _("认领"), states=frozenset({WS.POSTED}), scope="claim", url_name="services:micro_wish_claim",
         asks=True, refusal=_("该心愿已被他人认领。")),
    Rule("fulfil", _("登记兑现"), states=frozenset({WS.CLAIMED}), scope=None, who=claimed_it,
         url_name="services:micro_wish_fulfil", asks=True, denial=_("只有认领人可以登记兑现。"),
         refusal=_("该心愿当前不能登记兑现。")),
    Rule("confirm", _("确认"), states=frozenset({WS.FULFILLED}), scope="post", url_name="services:micro_wish_confirm",
         refusal=_("该心愿尚未兑现或已确认。")),
])


# --- 全程代办 -----------------------------------------------------------------------------------

E = Errand.Status
ERRAND_MOVES = {E.RECEIVED: {E.SUBMITTED, E.DONE, E.RETURNED}, E.SUBMITTED: {E.DONE, E.RETURNED}}

ERRAND = Rules(Errand, [
    Rule("advance", _("更新进度"), states=frozenset(ERRAND_MOVES), scope="handle", url_name="services:errand_advance",
         asks=True, form=forms.ErrandAdvanceForm, refusal=_("代办事项当前为“%(status)s”，不能再更新进度。")),
])


# --- 志愿服务、双报到 ----------------------------------------------------------------------------

VOLUNTEER_TEAM = Rules(VolunteerTeam, [
    Rule("record_activity", _("登记活动"), scope="manage", url_name="services:volunteer_activity_add", asks=True),
])


def works_for_the_unit_or_leads_the_community(user, report) -> bool:
    """A unit's report: its own staff, or the community's secretary (and above) record joint activities."""
    if region_allows(user, report.community, MANAGERS):
        return True
    flag = getattr(report, "actor_works_there", None)
    return bool(flag) if flag is not None else report.unit.staff.filter(pk=user.pk).exists()


def is_the_member_or_leads_the_community(user, report) -> bool:
    return report.member_id == user.pk or region_allows(user, report.community, MANAGERS)


UNIT_REPORT = Rules(UnitReport, [
    Rule("record_activity", _("登记活动"), scope=None, who=works_for_the_unit_or_leads_the_community,
         url_name="services:joint_activity_add", asks=True,
         denial=_("只有本单位工作人员或村（社区）书记可以登记联动活动。")),
])

MEMBER_REPORT = Rules(MemberReport, [
    Rule("log_hours", _("登记时长"), scope=None, who=is_the_member_or_leads_the_community,
         url_name="services:service_hour_add", asks=True, denial=_("只能登记本人的服务时长。")),
])


def offer_rows(rules: Rules, user, rows) -> list:
    """`rules.allowed()` for every row of a list page at once: each row gets `verbs`, at the cost of one
    query per scope action for the whole page (not one per row). The rows' `who` predicates must not query
    (their selector annotates what they need)."""
    rows = list(rows)
    scopes = {r.scope for r in rules if r.scope is not None}
    allowed = {scope: set(rules.model.objects.restrict(user, scope).filter(pk__in=[o.pk for o in rows])
                          .values_list("pk", flat=True)) if rows else set() for scope in scopes}
    for obj in rows:
        obj.verbs = [Offer(r, r.url(obj)) for r in rules
                     if r.state_ok(obj) and r.permitted(user, obj, lambda scope, obj=obj: obj.pk in allowed[scope])]
    return rows
