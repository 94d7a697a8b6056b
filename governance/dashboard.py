"""Dashboards: every region compared with its siblings, each figure clickable down the tree.

Each app registers sections (in AppConfig.ready()). A section computes its figures for all the
children of the region being looked at with a handful of aggregate queries grouped by the children's
path prefix — never a loop over rows — so the page costs the same at 5,000 or 500,000 residents.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import F, QuerySet
from django.db.models.functions import Substr

from .models import Region


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    fmt: str = "int"  # int | pct | money (fen → 元) | float | stars
    # url_name of the list behind the figure; it gets ?region=<child id> (and since/until if `dated`)
    list_url: str | None = None
    chart: bool = False  # draw a bar per child region for this metric
    list_params: str = ""  # extra query string for the list, e.g. "status=away"
    dated: bool = False  # the figure follows the page's date range: its link carries since/until too


@dataclass(frozen=True)
class Context:
    user: object
    root: Region
    children: list[Region]
    child_len: int  # length of the children's path: the GROUP BY key
    since: dt.date | None
    until: dt.date | None

    def scoped(self, model) -> QuerySet:
        """Dashboards read through the scoping mechanism like every list."""
        return model.objects.restrict(self.user, "view")

    def group(self, qs: QuerySet, region_path: str) -> QuerySet:
        """Annotate `qs` with `_child` = the child region it falls under, for GROUP BY."""
        return qs.filter(**{f"{region_path}__startswith": self.root.path}).annotate(
            _child=Substr(F(f"{region_path}"), 1, self.child_len)
        )

    def dated(self, qs: QuerySet, field_name: str) -> QuerySet:
        if self.since:
            qs = qs.filter(**{f"{field_name}__date__gte": self.since})
        if self.until:
            qs = qs.filter(**{f"{field_name}__date__lte": self.until})
        return qs


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    metrics: tuple[Metric, ...]
    # compute(ctx) -> {child_path: {metric_key: value}}; missing values show as 0
    compute: Callable[[Context], dict[str, dict]]
    # optional: trend(ctx) -> {"labels": [...], "series": {label: [values]}} for a line chart by month
    trend: Callable[[Context], dict] | None = None
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)


_sections: list[Section] = []


def register(section: Section) -> None:
    _sections[:] = [s for s in _sections if s.key != section.key] + [section]


def sections_for(roles: set[str], is_superuser: bool) -> list[Section]:
    return sorted((s for s in _sections if is_superuser or not s.roles or s.roles & roles), key=lambda s: s.order)


def rows_by_child(qs: QuerySet, **aggregates) -> dict[str, dict]:
    """One GROUP BY query → {child_path: {name: value}}; `qs` must come from Context.group()."""
    return {row.pop("_child"): row for row in qs.values("_child").annotate(**aggregates).order_by()}


def merge(*parts: dict[str, dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for part in parts:
        for child, values in part.items():
            out.setdefault(child, {}).update(values)
    return out


def month_labels(since: dt.date, until: dt.date) -> list[str]:
    labels, y, m = [], since.year, since.month
    while (y, m) <= (until.year, until.month):
        labels.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return labels
