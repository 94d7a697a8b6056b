"""Scheduled jobs of services/: thin wrappers around actions (the logic lives in services/actions.py)."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation

from governance.jobs import job_run

from . import actions


@shared_task(name="services.tasks.remind_overdue_orders")
def remind_overdue_orders() -> int:
    with job_run("services-remind-overdue") as progress, translation.override(settings.LANGUAGE_CODE):
        sent = actions.orders_remind_overdue()
        progress.result["notified"] = sent
    return sent
