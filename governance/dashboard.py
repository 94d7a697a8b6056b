"""Dashboards: every region compared with its siblings, each figure clickable down the tree.

Each app registers sections (in AppConfig.ready()). A section computes its figures for all the
children of the region being looked at with a handful of aggregate queries grouped by the children's
path prefix — never a loop over rows — so the page costs the same at 5,000 or 500,000 residents.

Summary tables: at 500,000 residents the live GROUP BYs take seconds, so a Celery job (`refresh`,
on beat) stores every section's figures for every region down to the villages in
`DashboardSummary`, set-based: one `compute` per level of the tree (all townships at once, then all
villages, then all groups) and one monthly `trend` grouped by village. The page reads those rows
(one query) when the user's scope covers every table the section read and the date range is the
default one, and says when they were refreshed; otherwise (another range, "实时") it computes live.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from .models import DashboardSummary, Region


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
    user: object  # None: the summary job, which reads every row (and records which tables it read)
    root: Region
    children: list[Region]
    child_len: int  # length of the children's path: the GROUP BY key
    since: dt.date | None
    until: dt.date | None
    reads: set = field(default_factory=set, compare=False)  # "app_label.model" of every scoped read

    def scoped(self, model) -> QuerySet:
        """Dashboards read through the scoping mechanism like every list."""
        self.reads.add(model._meta.label_lower)
        if self.user is None:
            return model.objects.all()
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
    # optional: trend(ctx) -> monthly(...) result, {"labels": [month], "series": {key: {child: [values]}}},
    # drawn as one line per key of `trend_series` (key, label), summed over the children
    trend: Callable[[Context], dict] | None = None
    trend_series: tuple[tuple[str, str], ...] = ()
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


def monthly(c: Context, qs: QuerySet, date_field: str, scale: float = 1, **series) -> dict:
    """One GROUP BY (child, month) → {"labels": months of the page's range, "series": {key: {child: [v]}}}.

    `qs` comes from Context.group() and is already limited to the range; each keyword is an aggregate.
    """
    labels = month_labels(c.since, c.until) if c.since and c.until else []
    index = {label: i for i, label in enumerate(labels)}
    out: dict = {"labels": labels, "series": {key: {} for key in series}}
    rows = qs.annotate(_month=TruncMonth(date_field)).values("_child", "_month").annotate(**series).order_by()
    for row in rows:
        i = index.get(f"{row['_month']:%Y-%m}") if row["_month"] else None
        if i is None:
            continue
        for key in series:
            values = out["series"][key].setdefault(row["_child"], [0] * len(labels))
            values[i] += float(row[key] or 0) * scale if scale != 1 else _plain(row[key] or 0)
    return out


def merge_trends(*parts: dict) -> dict:
    out = {"labels": parts[0]["labels"], "series": {}}
    for part in parts:
        out["series"].update(part["series"])
    return out


def trend_for(section: Section, trend: dict, prefix: str) -> dict:
    """The lines to draw for the region whose path is `prefix`: each series summed over its children."""
    labels = trend.get("labels") or []
    series = trend.get("series", {})
    return {"labels": labels,
            "series": {str(label): _summed(series.get(key, {}), prefix, len(labels))
                       for key, label in section.trend_series}}


def _summed(per_child: dict[str, list], prefix: str, n: int) -> list:
    """Month by month, the sum of the children's values whose path starts with `prefix`."""
    total = [0] * n
    for child, values in per_child.items():
        if child.startswith(prefix):
            total = [a + b for a, b in zip(total, values)]
    return total


def _plain(value):
    """JSON-safe numbers for the summary table (Decimal sums and averages become floats)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


# --- summary tables ---------------------------------------------------------------------------------

SUMMARY_LEVELS = (Region.Level.TOWNSHIP, Region.Level.VILLAGE, Region.Level.GROUP)  # the children's levels
TREND_LEVEL = Region.Level.VILLAGE  # trends are grouped by village: any region down to a village sums them


def refresh(*, progress=None) -> dict:
    """Recompute every section's figures for every region with children, down to the villages.

    Set-based: per section, one `compute` per level of the tree with the county as root and that
    level's path length as the GROUP BY key, and one `trend` grouped by village. Each section's rows
    are replaced in one transaction (an upsert): a killed run leaves the previous figures in place,
    and a second run writes the same rows again.
    """
    tops = list(Region.objects.filter(parent__isnull=True).order_by("path"))
    parents = {r.path: r.pk for r in Region.objects.filter(level__lt=SUMMARY_LEVELS[-1]).only("path")}
    since, until = default_range()
    now = timezone.now()
    sections = sorted(_sections, key=lambda s: s.order)
    done, seconds = 0, {}
    for section in sections:
        started = time.monotonic()
        per_root: dict[int, dict] = {pk: {"values": {}} for pk in parents.values()}  # "nothing yet" is a figure too
        reads: set = set()
        for top in tops:
            for level in SUMMARY_LEVELS:
                c = Context(user=None, root=top, children=[], child_len=Region.PATH_LENGTH[level],
                            since=since, until=until, reads=reads)
                parent_len = Region.PATH_LENGTH[level - 1]
                for child, values in section.compute(c).items():
                    if len(child) != Region.PATH_LENGTH[level]:
                        continue  # rows attached above this level have no child to show under
                    root_pk = parents.get(child[:parent_len])
                    if root_pk is not None:
                        per_root[root_pk]["values"][child] = {k: _plain(v) for k, v in values.items()}
            if section.trend is not None:
                c = Context(user=None, root=top, children=[], child_len=Region.PATH_LENGTH[TREND_LEVEL],
                            since=since, until=until, reads=reads)
                trend = section.trend(c)
                for path, pk in parents.items():
                    if path.startswith(top.path):
                        per_root[pk]["trend"] = _trend_under(trend, path)
        rows = [DashboardSummary(section=section.key, region_id=pk, values=part["values"],
                                 trend=part.get("trend") or {}, since=since, until=until,
                                 reads=sorted(reads), refreshed_at=now)
                for pk, part in per_root.items()]
        with transaction.atomic():
            DashboardSummary.objects.bulk_create(
                rows, batch_size=500, update_conflicts=True, unique_fields=["section", "region"],
                update_fields=["values", "trend", "since", "until", "reads", "refreshed_at"])
            # regions with nothing to show any more keep no stale figures
            DashboardSummary.objects.filter(section=section.key).exclude(refreshed_at=now).delete()
        done += 1
        seconds[section.key] = round(time.monotonic() - started, 2)
        if progress is not None:
            progress.set(done, len(sections))
    DashboardSummary.objects.exclude(section__in=[s.key for s in sections]).delete()
    return {"sections": len(sections), "regions": len(parents), "refreshed_at": now.isoformat(), "seconds": seconds}


def _trend_under(trend: dict, prefix: str) -> dict:
    """The trend of the region whose path is `prefix`, summed over its villages once, at refresh time
    (stored under the region's own path, so `trend_for` reads it like a live trend)."""
    labels = trend.get("labels", [])
    return {"labels": labels, "series": {key: {prefix: _summed(per_child, prefix, len(labels))}
                                         for key, per_child in trend.get("series", {}).items()}}


def summaries_for(user, root: Region, sections: list[Section], since, until) -> dict[str, DashboardSummary]:
    """The stored figures this user may be shown for `root` (one query): the date range must be the
    default one and the user's scope must hold every row of every table the section read in `root`."""
    from .scoping import covers

    if (since, until) != default_range() or root.level >= SUMMARY_LEVELS[-1]:
        return {}
    rows = DashboardSummary.objects.filter(region=root, section__in=[s.key for s in sections], since=since)
    return {row.section: row for row in rows if all(covers(user, label, root) for label in row.reads)}
