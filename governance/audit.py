"""The one audit mechanism: every state change and every reveal writes one AuditEntry."""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry, Notification, Region


def _region_of(obj) -> Region | None:
    if isinstance(obj, Region):
        return obj
    getter = getattr(obj, "audit_region", None)
    if callable(getter):
        return getter()
    return getattr(obj, "region", None)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
    region: Region | None = None,
    region_id: int | None = None,
) -> AuditEntry:
    """Record one action. `data` must never hold personal data (ID numbers, phones). An action that
    concerns no single object (an export, an exact lookup) is filed under `region_id` — usually the
    actor's home region (scoping.home_region_id) — so that the level above sees it."""
    if region is None and region_id is None and obj is not None:
        region = _region_of(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_id=region.pk if region is not None else region_id,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        reason=reason or "",
        data=data or {},
    )


def notify(users, *, title: str, body: str = "", url: str = "") -> int:
    """In-portal notifications (the unread count shows in the header). One INSERT for all users."""
    rows = [Notification(user_id=getattr(u, "pk", u), title=title[:200], body=body, url=url) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)
