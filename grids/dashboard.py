"""The grids part of the county dashboard: grids and their party members, and how issues are settled.

Every figure is one GROUP BY per model over the children of the region being looked at (never a loop
over rows). Counts are current totals, so each one opens a list showing exactly the rows counted;
the medians and the monthly trend follow the page's date range (issues resolved / reported in it).
"""
from __future__ import annotations

from django.db.models import Aggregate, Count, F, FloatField, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import dashboard as d
from governance.models import Household

from .models import ACTIVE_STATUSES, EscalationLevel, Grid, GridMember, Issue, IssueStatus
from .selectors import unassigned_households_below_q

SETTLED_STATUSES = [IssueStatus.RESOLVED, IssueStatus.CLOSED]


class HoursBetween(Func):
    """(end - start) in hours, as a float."""

    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 3600.0"
    arg_joiner = " - "
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s)) * 24.0",
                           arg_joiner=") - julianday(", **extra)


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median, computed in SQL. SQLite (the local demo) has no
    ordered-set aggregates, so there the figure shows as "—"."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return "NULL", []


LEVEL_KEYS = {EscalationLevel.GRID: "grid", EscalationLevel.VILLAGE: "village", EscalationLevel.TOWNSHIP: "township", EscalationLevel.COUNTY: "county"}


def grids_compute(c: d.Context) -> dict[str, dict]:
    grids = d.rows_by_child(
        c.group(c.scoped(Grid), "region__path"),
        grids=Count("id"), grids_unassigned=Count("id", filter=unassigned_households_below_q()),
    )
    members = d.rows_by_child(c.group(c.scoped(GridMember), "grid__region__path"),
                              members_on_duty=Count("resident", distinct=True))
    households = d.rows_by_child(
        c.group(c.scoped(Household), "region__path"),
        households=Count("id"), households_unassigned=Count("id", filter=Q(responsibility__isnull=True)),
    )
    out = d.merge(grids, members, households)
    for v in out.values():
        n = v.get("households") or 0
        v["assigned_share"] = (n - (v.get("households_unassigned") or 0)) / n if n else None
    return out


def issues_compute(c: d.Context) -> dict[str, dict]:
    now = timezone.now()
    settled = Q(status__in=SETTLED_STATUSES, resolved_at__isnull=False)
    in_range = Q()
    if c.since:
        in_range &= Q(resolved_at__date__gte=c.since)
    if c.until:
        in_range &= Q(resolved_at__date__lte=c.until)
    hours = HoursBetween(F("resolved_at"), F("created_at"))
    medians = {f"median_{key}": Median(hours, filter=settled & in_range & Q(level=level))
               for level, key in LEVEL_KEYS.items()}
    out = d.rows_by_child(
        c.group(c.scoped(Issue), "region__path"),
        settled_grid=Count("id", filter=settled & Q(level=EscalationLevel.GRID)),
        at_village=Count("id", filter=Q(level=EscalationLevel.VILLAGE)),
        at_township=Count("id", filter=Q(level=EscalationLevel.TOWNSHIP)),
        at_county=Count("id", filter=Q(level=EscalationLevel.COUNTY)),
        overdue=Count("id", filter=Q(status__in=ACTIVE_STATUSES, deadline__lt=now)),
        **medians,
    )
    for v in out.values():
        escalated = v["at_village"] + v["at_township"] + v["at_county"]
        v["settled_grid_share"] = v["settled_grid"] / (v["settled_grid"] + escalated) if v["settled_grid"] + escalated else None
    return out


def issues_trend(c: d.Context) -> dict:
    """Issues reported per month in the page's range, and how many of them stayed in the grid."""
    qs = c.group(c.dated(c.scoped(Issue), "created_at"), "region__path")
    return d.monthly(c, qs, "created_at", reported=Count("id"),
                     settled_grid=Count("id", filter=Q(status__in=SETTLED_STATUSES, level=EscalationLevel.GRID)),
                     escalated=Count("id", filter=Q(level__gt=EscalationLevel.GRID)))


def register_sections() -> None:
    from governance.scoping import MANAGERS

    d.register(d.Section(
        key="grids", title=_("党建网格"), order=20, roles=MANAGERS, compute=grids_compute,
        metrics=(
            d.Metric("grids", _("网格数"), list_url="grids:grid_list"),
            d.Metric("members_on_duty", _("在岗党员")),
            d.Metric("households_unassigned", _("未分配责任党员的户"), chart=True),
            d.Metric("grids_unassigned", _("有未分配户的网格"), list_url="grids:grid_list", list_params="unassigned=true"),
            d.Metric("assigned_share", _("责任户覆盖率"), fmt="pct"),
        ),
    ))
    d.register(d.Section(
        key="grid_issues", title=_("事件办理"), order=21, roles=MANAGERS, compute=issues_compute, trend=issues_trend,
        trend_series=(("reported", _("上报")), ("settled_grid", _("网格内办结")), ("escalated", _("提级处置"))),
        metrics=(
            d.Metric("settled_grid", _("网格内办结"), list_url="grids:issue_list", list_params=f"level={EscalationLevel.GRID:d}&settled=true"),
            d.Metric("at_village", _("提级到村"), list_url="grids:issue_list", list_params=f"level={EscalationLevel.VILLAGE:d}"),
            d.Metric("at_township", _("提级到乡镇"), list_url="grids:issue_list", list_params=f"level={EscalationLevel.TOWNSHIP:d}"),
            d.Metric("at_county", _("提级到县级部门"), list_url="grids:issue_list", list_params=f"level={EscalationLevel.COUNTY:d}"),
            d.Metric("overdue", _("超时未办结"), list_url="grids:issue_list", list_params="overdue=true", chart=True),
            d.Metric("settled_grid_share", _("网格内办结占比"), fmt="pct"),
            d.Metric("median_grid", _("办结用时中位数·网格（小时）"), fmt="float"),
            d.Metric("median_village", _("办结用时中位数·村（小时）"), fmt="float"),
            d.Metric("median_township", _("办结用时中位数·乡镇（小时）"), fmt="float"),
            d.Metric("median_county", _("办结用时中位数·县（小时）"), fmt="float"),
        ),
    ))
