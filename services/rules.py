"""Who may take which step of an order, declared once (governance.rules): the actions check these rules
on the row they lock, the order page offers exactly the steps they allow."""
from django.utils.translation import gettext_lazy as _

from governance.rules import Rule, Rules
from governance.scoping import can, is_unrestricted

from .models import Order

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
         asks=True, refusal=_("该订单已被派出或已变更（当前状态：%(status)s），请刷新后查看。")),
    Rule("accept", _("接单"), states=frozenset({S.DISPATCHED}), url_name="services:order_accept",
         refusal=_("该订单已被接单或已变更（当前状态：%(status)s），无需重复操作。"), **_unit),
    Rule("complete", _("办结"), states=frozenset({S.ACCEPTED}), url_name="services:order_complete", asks=True,
         refusal=_("该订单当前状态为“%(status)s”，不能办结。"), **_unit),
    Rule("hand_back", _("退回派单"), states=frozenset({S.DISPATCHED, S.ACCEPTED}), url_name="services:order_hand_back",
         asks=True, style="outline-secondary", refusal=_("该订单当前状态为“%(status)s”，不能退回。"), **_unit),
    Rule("confirm", _("确认并评价"), states=frozenset({S.COMPLETED}), url_name="services:order_confirm", asks=True,
         refusal=_("该订单当前状态为“%(status)s”，还不能确认评价。"), **_placer),
    Rule("reopen", _("要求重新办理"), states=frozenset({S.COMPLETED}), url_name="services:order_reopen", asks=True,
         style="outline-secondary", refusal=_("该订单当前状态为“%(status)s”，不能要求重新办理。"), **_placer),
    Rule("cancel", _("撤销订单"), states=frozenset({S.PLACED}), url_name="services:order_cancel", asks=True,
         style="outline-secondary", refusal=_("订单已派出（当前状态：%(status)s），不能再撤销。"), **_placer),
])
