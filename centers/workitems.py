"""Work arriving at a township: the one opener of the center work items of things handed up to it.

An issue escalated to the township — by the sweep (PostgreSQL or the ORM) or by a handler's hand — becomes a
work item in the township's center that owns its category (平时按分工). Every path calls
`open_work_items()`, set-based (a fixed handful of statements for a batch of any size), so they cannot
disagree again. The rules, once:

- the item goes to the center of the arrival's township whose kind owns the category;
- a category the county has deactivated since still has its owner: the item is opened there. The work was
  accepted under that category and still has to be done at the township; a sweep cannot refuse it, so a
  handler's escalation does not either (deactivating a category stops new reports, not work in hand);
- a township without that center (still being set up) gets no item: the arrival waits in the township's
  queue, where its handlers are told of it — on every path, never a refusal of the escalation;
- each item is linked back to its source (`link_field` on the source model, one UPDATE) and audited as
  `work_item.create` (governance.audit.audit_record_many, one INSERT).

centers knows nothing of the apps above it: the caller names its model and link field and describes each
arrival (`Arrival`); the source's generic link (source_type/source_id) is filled in from them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from governance.audit import audit_record_many

from .models import Center, WorkCategory, WorkItem


@dataclass(frozen=True)
class Arrival:
    """One thing arriving at a township: its id in the source model, where it goes, what the item says.
    `center_kind` is the category's (pass it when the caller has read the category; else it is looked up)."""

    source_id: int
    township_id: int
    category_id: int
    title: str
    description: str = ""
    deadline: dt.datetime | None = None
    center_kind: str | None = None


class CenterDirectory:
    """Which center owns which kind of work in which township, read as needed and kept: a sweep makes one
    and hands it to every batch, so a batch whose townships have been seen costs no lookup at all."""

    def __init__(self):
        self._centers: dict[tuple[int, str], int] = {}
        self._townships: set[int] = set()
        self._kinds: dict[int, str] = {}

    def kind_of(self, arrivals: list[Arrival]) -> dict[int, str]:
        missing = {a.category_id for a in arrivals if a.center_kind is None} - set(self._kinds)
        if missing:  # every category, active or not: a deactivated one keeps its owner
            self._kinds.update(WorkCategory.objects.filter(pk__in=missing).values_list("pk", "center_kind"))
        return self._kinds

    def center_of(self, arrivals: list[Arrival]) -> dict[tuple[int, str], int]:
        missing = {a.township_id for a in arrivals} - self._townships
        if missing:
            self._centers.update({(t, k): pk for pk, t, k in Center.objects.filter(township_id__in=missing)
                                  .values_list("pk", "township_id", "kind")})
            self._townships |= missing
        return self._centers


def open_work_items(arrivals: Iterable[Arrival], *, source_model: type[models.Model], link_field: str | None = None,
                    actor=None, at: dt.datetime | None = None,
                    directory: CenterDirectory | None = None) -> dict[int, WorkItem]:
    """Open the work items of `arrivals` in the centers owning their categories (the rules above), link
    each source row to its item through `link_field` and audit them. Inside the caller's transaction; the
    caller has checked its own scope. Returns {source id: item} of the items opened (an arrival whose
    township lacks the center is left out). Statements: the center lookup (none when `directory` has seen
    the townships), one INSERT of the items, one UPDATE linking them, one INSERT of their audit."""
    arrivals = list(arrivals)
    if not arrivals:
        return {}
    directory = directory or CenterDirectory()
    at = at or timezone.now()
    kinds = directory.kind_of(arrivals)
    centers = directory.center_of(arrivals)
    source_type = ContentType.objects.get_for_model(source_model)
    created_by = actor if getattr(actor, "pk", None) else None
    items = []
    for a in arrivals:
        center_id = centers.get((a.township_id, a.center_kind or kinds.get(a.category_id)))
        if center_id is None:
            continue  # no such center in this township (yet): the arrival waits in the township's queue
        items.append(WorkItem(township_id=a.township_id, center_id=center_id, category_id=a.category_id,
                              title=(a.title or "").strip()[:200], description=a.description, deadline=a.deadline,
                              created_by=created_by, created_at=at, source_type=source_type,
                              source_id=str(a.source_id)))
    if not items:
        return {}
    WorkItem.objects.bulk_create(items)
    if not all(item.pk for item in items):  # a database whose INSERT returns no ids: read them back
        items = list(WorkItem.objects.filter(source_type=source_type, created_at=at,
                                             source_id__in=[item.source_id for item in items]).order_by("id"))
    if link_field:  # one UPDATE: each source row points at the item just opened for it (by the source index)
        opened = WorkItem.objects.filter(source_type=source_type, source_id=Cast(OuterRef("pk"), CharField()),
                                         created_at=at).order_by("-id").values("pk")[:1]
        source_model._base_manager.filter(pk__in=[int(i.source_id) for i in items]).update(
            **{link_field: Subquery(opened)})
    audit_record_many(actor=actor, action="work_item.create", objects=items, to_state=WorkItem.Status.OPEN,
                      region_of=lambda item: item.township_id, repr_of=lambda item: item.title, at=at)
    return {int(item.source_id): item for item in items}

