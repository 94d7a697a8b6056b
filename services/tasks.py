"""Scheduled jobs of services/: thin wrappers that call the reminder logic below."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.audit import notify
from governance.jobs import job_run
from governance.models import RoleAssignment
from governance.scoping import Role

from .models import Order


def orders_remind_overdue(*, now=None, batch: int = 500) -> int:
    """Remind whoever holds each overdue order (the unit's staff, or the village office for dispatch),
    once per stage deadline. Idempotent: an order is marked with the deadline it was reminded for."""
    now = now or timezone.now()
    due = (Order.objects.filter(status__in=Order.OPEN, stage_deadline__lt=now)
           .filter(Q(reminded_deadline__isnull=True) | ~Q(reminded_deadline=F("stage_deadline"))))
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=True).select_related("region")
                        .prefetch_related("unit__staff").order_by("pk")[:batch])
            if not rows:
                return sent
            for order in rows:
                if order.status in (Order.Status.DISPATCHED, Order.Status.ACCEPTED) and order.unit_id:
                    users = [u.pk for u in order.unit.staff.all()]
                elif order.status == Order.Status.COMPLETED:
                    users = [order.placed_by_id] if order.placed_by_id else []
                else:
                    village = order.region.path[:12]
                    users = list(RoleAssignment.objects.filter(
                        role__in=[Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT], active=True,
                        region__path=village).values_list("user_id", flat=True))
                notify(users, title=_("订单已超时：%(n)s %(t)s") % {"n": order.number, "t": order.item_title},
                       url=order.get_absolute_url())
                sent += len(users)
            Order.objects.filter(pk__in=[o.pk for o in rows]).update(reminded_deadline=F("stage_deadline"))


@shared_task(name="services.tasks.remind_overdue_orders")
def remind_overdue_orders() -> int:
    with job_run("services-remind-overdue") as progress, translation.override(settings.LANGUAGE_CODE):
        sent = orders_remind_overdue()
        progress.result["notified"] = sent
    return sent
