from celery import shared_task

from . import actions


@shared_task(name="outreach.deliver_due")
def deliver_due() -> int:
    return actions.deliveries_run()
