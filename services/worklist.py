"""What waits in order-style services: orders to dispatch (village office), orders dispatched to my unit,
orders of mine to confirm."""
from django.utils.translation import gettext_lazy as _

from governance.scoping import VILLAGE_OFFICE, Role
from governance.jobs import register_label
from governance.worklist import Task, register

from .models import Order

S = Order.Status
G = _("订单式服务")
# The village (community) office is the 大党委 that dispatches; the township and county supervise the queue.
register(Task("services.orders_to_dispatch", _("待派单的订单"), group=G, order=12, roles=VILLAGE_OFFICE,
              url_name="services:order_dispatch_queue", since="created_at", deadline="stage_deadline",
              queryset=lambda user: Order.objects.restrict(user, "dispatch").filter(status=S.PLACED)))
register(Task("services.orders_in_my_unit", _("本单位待接单、待办结的订单"), group=G, order=13,
              roles=frozenset({Role.UNIT_STAFF}), url_name="services:order_inbox", since="updated_at",
              deadline="stage_deadline",
              queryset=lambda user: Order.objects.restrict(user, "view").filter(
                  unit__staff=user, status__in=[S.DISPATCHED, S.ACCEPTED])))
register(Task("services.orders_to_confirm", _("待我确认评价的订单"), group=G, order=14,
              roles=frozenset({Role.RESIDENT, Role.GRID_LEADER}),
              url_name="services:order_mine", since="updated_at",
              queryset=lambda user: Order.objects.restrict(user, "view").filter(placed_by=user, status=S.COMPLETED)))

register_label("services-remind-overdue", _("超时订单提醒"))
