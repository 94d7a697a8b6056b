"""Outbox writes: the fan-out a notify() produces, and the claim → send → record cycle of the worker."""
from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance import pii
from governance.models import Resident

from . import channels, messages
from .models import Delivery, Notice

S, C = Delivery.State, Delivery.Channel


def notice_fan_out(*, notifications, title: str, body: str, url: str, event: str, residents, sender, region) -> Notice:
    """Called by governance.audit.notify() inside the notifying action's transaction: one Notice, a sent
    portal delivery per in-portal notification, and queued SMS / e-mail deliveries. The worker is woken on
    commit; if the wake-up is lost the beat sweep finds the rows."""
    user_ids = {n.user_id for n in notifications}
    notice = Notice.objects.create(event=event, title=title[:200], body=body, url=url,
                                   sender=sender if getattr(sender, "pk", None) else None,
                                   region_id=getattr(region, "pk", region))
    now = timezone.now()
    rows = [Delivery(notice=notice, user_id=uid, channel=C.PORTAL, state=S.SENT, sent_at=now) for uid in user_ids]
    people = Resident.objects.filter(Q(pk__in=list(residents)) | Q(user_id__in=user_ids))
    for rid, uid, phone_hash in people.values_list("pk", "user_id", "phone_hash"):
        state, error = (S.QUEUED, "") if phone_hash else (S.UNDELIVERABLE, _("未登记手机号"))
        rows.append(Delivery(notice=notice, resident_id=rid, user_id=uid, channel=C.SMS, state=state, last_error=error))
    from django.contrib.auth import get_user_model

    for uid in get_user_model().objects.filter(pk__in=user_ids).exclude(email="").values_list("pk", flat=True):
        rows.append(Delivery(notice=notice, user_id=uid, channel=C.EMAIL))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.state == S.QUEUED for r in rows):
        from .tasks import deliver_due

        transaction.on_commit(lambda: deliver_due.delay())
    return notice


def deliveries_claim(*, limit: int, now=None) -> list[int]:
    """Take up to `limit` due deliveries: queued ones whose time has come, and ones a dead worker was sending
    whose lease ran out. The claim is committed before anything is sent, so a second worker skips them."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(Q(state=S.QUEUED, next_attempt_at__lte=now) | Q(state=S.SENDING, lease_until__lt=now))
            .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(
            state=S.SENDING, attempts=F("attempts") + 1,
            lease_until=now + dt.timedelta(seconds=settings.OUTREACH_LEASE_SECONDS))
    return ids


def _quiet_until(now) -> dt.datetime | None:
    """The end of the quiet hours if `now` is inside them (SMS_QUIET_HOURS="22-7": 22:00 to 07:00 local)."""
    spec = settings.SMS_QUIET_HOURS
    if not spec:
        return None
    start, end = (int(x) for x in spec.split("-"))
    local = timezone.localtime(now)
    inside = (start <= local.hour or local.hour < end) if start > end else (start <= local.hour < end)
    if not inside:
        return None
    day = local.date() + dt.timedelta(days=1) if local.hour >= end and start > end else local.date()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0))) + dt.timedelta(hours=end)


def _finish(pk: int, **fields) -> None:
    # Only the claim that is still ours may record the outcome (a lease that expired was re-claimed).
    Delivery.objects.filter(pk=pk, state=S.SENDING).update(lease_until=None, **fields)


def delivery_send(*, delivery_id: int, now=None) -> str:
    """Send one claimed delivery and record the outcome. Returns the new state."""
    now = now or timezone.now()
    d = Delivery.objects.select_related("notice", "resident", "user").get(pk=delivery_id)
    if d.state != S.SENDING:
        return d.state
    if d.channel == C.SMS:
        quiet = _quiet_until(now)
        if quiet is None and settings.SMS_DAILY_CAP_PER_NUMBER:
            today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            sent_today = Delivery.objects.filter(channel=C.SMS, resident_id=d.resident_id, state=S.SENT,
                                                 sent_at__gte=today).count()
            if sent_today >= settings.SMS_DAILY_CAP_PER_NUMBER:
                quiet = today + dt.timedelta(days=1)
        if quiet is not None:  # not an attempt: put it back for later
            _finish(d.pk, state=S.QUEUED, next_attempt_at=quiet, attempts=F("attempts") - 1)
            return S.QUEUED
    try:
        with translation.override(messages.language_of(d)):
            subject, text = messages.render(d.notice)
        if d.channel == C.SMS:
            channels.sms_send(delivery_id=d.pk, phone=pii.decrypt(d.resident.phone_cipher), text=text)
        elif d.channel == C.EMAIL:
            channels.email_send(delivery_id=d.pk, address=d.user.email if d.user else "", subject=subject, text=text)
    except channels.Undeliverable as e:
        _finish(d.pk, state=S.UNDELIVERABLE, last_error=str(e)[:300])
        return S.UNDELIVERABLE
    except channels.Transient as e:
        if d.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
            _finish(d.pk, state=S.FAILED, last_error=str(e)[:300])
            return S.FAILED
        backoff = settings.OUTREACH_RETRY_BASE_SECONDS * 2 ** (d.attempts - 1)
        _finish(d.pk, state=S.QUEUED, last_error=str(e)[:300], next_attempt_at=now + dt.timedelta(seconds=backoff))
        return S.QUEUED
    _finish(d.pk, state=S.SENT, sent_at=timezone.now(), last_error="")
    return S.SENT


def deliveries_run(*, limit: int | None = None, max_batches: int = 50) -> int:
    """Claim and send batches until nothing is due; SMS paced to SMS_RATE_PER_SECOND. Returns how many sent
    or settled. Idempotent: killed half-way, the leases expire and a later run finishes the same rows."""
    limit = limit or settings.OUTREACH_BATCH
    rate = settings.SMS_RATE_PER_SECOND
    done = 0
    for _batch in range(max_batches):
        ids = deliveries_claim(limit=limit)
        if not ids:
            break
        for pk in ids:
            started = time.monotonic()
            delivery_send(delivery_id=pk)
            done += 1
            if rate:
                pause = 1.0 / rate - (time.monotonic() - started)
                if pause > 0:
                    time.sleep(pause)
    return done
