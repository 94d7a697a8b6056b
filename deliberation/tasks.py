"""Scheduled jobs of 三村议事: thin Celery tasks over set-based work."""
from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.jobs import job_run
from governance.models import Notification, RoleAssignment
from governance.scoping import Role

from .models import Topic

JOB = "deliberation-window-ended"


def notify_ended_windows(now=None) -> int:
    """Tell each village office once that a topic's online/remote window has ended and it should
    enter the show-of-hands count and close the vote. Idempotent: a topic is marked in the same
    transaction as its notifications; killed half-way, nothing is marked and a rerun does it all."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Topic.objects.select_for_update(skip_locked=True)
            .filter(status=Topic.Status.OPEN, closes_at__lt=now, window_end_notified_at__isnull=True)
            .values_list("pk", "region_id", "title")
        )
        if not due:
            return 0
        offices: dict[int, list[int]] = {}
        for region_id, user_id in RoleAssignment.objects.filter(
            active=True, role__in=[Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT],
            region_id__in={row[1] for row in due},
        ).values_list("region_id", "user_id"):
            offices.setdefault(region_id, []).append(user_id)
        Notification.objects.bulk_create([
            Notification(user_id=user_id, title=(_("议题线上/远程表决已截止：%(t)s") % {"t": title})[:200],
                         body=_("请登记现场举手表决结果，然后结束表决。"),
                         url=reverse("deliberation:topic_detail", args=[pk]))
            for pk, region_id, title in due for user_id in offices.get(region_id, [])
        ])
        Topic.objects.filter(pk__in=[row[0] for row in due]).update(window_end_notified_at=now)
    return len(due)


@shared_task(name="deliberation.tasks.window_ended")
def window_ended() -> int:
    with job_run(JOB) as progress:
        n = notify_ended_windows()
        progress.set(n, n)
        progress.result["topics"] = n
    return n
