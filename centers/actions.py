"""Writes of centers/: keyword-only, validated, scoped, atomic, audited."""
from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import Region

from .models import Center, CenterKind, WorkCategory, WorkItem


def centers_create_for_township(*, actor, region: Region) -> list[Center]:
    """Every township/subdistrict gets exactly the four centers (idempotent)."""
    if region.level != Region.Level.TOWNSHIP:
        return []
    existing = set(Center.objects.filter(township=region).values_list("kind", flat=True))
    created = Center.objects.bulk_create(
        [Center(township=region, kind=kind) for kind in CenterKind.values if kind not in existing]
    )
    for center in created:
        audit_record(actor=actor, action="center.create", obj=center, region=region)
    return created


def work_item_create(*, actor, township: Region, category: WorkCategory, title: str, description: str = "",
                     deadline: dt.datetime | None = None, source=None) -> WorkItem:
    """Open a work item in the township's center that owns the category (平时按分工).

    Called by other apps (grids escalating an issue, deliberation following up a resolution) inside
    their own transaction; the caller has already checked its own scope.
    """
    if township.level != Region.Level.TOWNSHIP:
        raise ValidationError({"township": _("中心事项只能交办到乡镇（街道）。")})
    if not category.active:
        raise ValidationError({"category": _("该事项类别已停用。")})
    center = Center.objects.filter(township=township, kind=category.center_kind).first()
    if center is None:
        raise ValidationError({"township": _("该乡镇尚未设立%(c)s。") % {"c": CenterKind(category.center_kind).label}})
    with transaction.atomic():
        item = WorkItem.objects.create(
            township=township, center=center, category=category, title=title[:200], description=description,
            deadline=deadline, created_by=actor if getattr(actor, "pk", None) else None,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
        )
        audit_record(actor=actor, action="work_item.create", obj=item, to_state=item.status)
    return item
