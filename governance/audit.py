"""The one audit mechanism: every state change and every reveal writes one AuditEntry."""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import audit_chain
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
    entry = AuditEntry.objects.create(
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
    audit_chain.seal_on_commit()
    return entry


def audit_record_many(*, actor, action: str, objects, from_state: str = "", to_state: str = "", reason: str = "",
                      data: dict | None = None, region_of=None, repr_of=None, at=None) -> list[AuditEntry]:
    """One audit row per object in one INSERT — the bulk twin of audit_record() (a batch of approvals, the
    sweep's escalations). `region_of(obj)` / `repr_of(obj)` override where each row is filed and how the
    object is named; `from_state`/`to_state`/`data` may be callables of the object."""
    objects = list(objects)
    if not objects:
        return []
    from django.utils import timezone

    at = at or timezone.now()
    actor_obj = actor if getattr(actor, "pk", None) else None
    cts: dict[type, ContentType] = {}

    def value(v, obj):
        return v(obj) if callable(v) else v

    rows = []
    for obj in objects:
        ct = cts.get(type(obj)) or cts.setdefault(type(obj), ContentType.objects.get_for_model(obj))
        if region_of is not None:
            region_id = region_of(obj)
        else:
            region = _region_of(obj)
            region_id = region.pk if region is not None else None
        rows.append(AuditEntry(
            at=at, actor=actor_obj, action=action, content_type=ct, object_id=str(obj.pk),
            object_repr=(repr_of(obj) if repr_of else str(obj))[:200], region_id=getattr(region_id, "pk", region_id),
            from_state=str(value(from_state, obj) or ""), to_state=str(value(to_state, obj) or ""),
            reason=value(reason, obj) or "", data=value(data, obj) or {}))
    created = AuditEntry.objects.bulk_create(rows)
    audit_chain.seal_on_commit()
    return created


def notify(users, *, title: str, body: str = "", url: str = "", event: str = "", residents=(), sender=None,
           region=None) -> int:
    """In-portal notifications (the unread count shows in the header). One INSERT for all users. `event` names
    the kind of notice, `residents` are people to reach who may have no account (by their registered phone);
    the hooks in governance.hooks.notice_created write the other channels' outbox in this same transaction."""
    from . import hooks

    rows = [Notification(user_id=getattr(u, "pk", u), title=title[:200], body=body, url=url) for u in users]
    Notification.objects.bulk_create(rows)
    hooks.run(hooks.notice_created, notifications=rows, title=title, body=body, url=url, event=event,
              residents=[getattr(r, "pk", r) for r in residents], sender=sender, region=region)
    return len(rows)
