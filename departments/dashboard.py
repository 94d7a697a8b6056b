"""The departments' part of the county dashboard (部门): the county departments' matters in each child region —
received, reported on time, overdue, handed back, villager satisfaction — one GROUP BY over the 主办
assignments by the issue's region, like every section; the per-department, per-month scorecard is its
own page (departments:scorecard)."""
from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import dashboard as d
from grids.models import IssueStatus

from .models import AssignmentState as S
from .models import DepartmentAssignment, StationedCadre, StationedVisit

LEAD = Q(role=DepartmentAssignment.Role.LEAD)


def departments_compute(c: d.Context) -> dict[str, dict]:
    now = timezone.now()
    qs = c.group(c.dated(c.scoped(DepartmentAssignment), "created_at").filter(LEAD), "issue__region__path")
    out = d.rows_by_child(
        qs,
        dept_received=Count("id"),
        dept_on_time=Count("id", filter=Q(reported_at__isnull=False, reported_at__lte=F("deadline"))),
        dept_overdue=Count("id", filter=Q(reported_at__gt=F("deadline"))
                           | Q(reported_at__isnull=True, state__in=[S.PENDING, S.ACCEPTED], deadline__lt=now)),
        dept_handed_back=Count("id", filter=Q(handed_back_at__isnull=False)),
        _rated=Count("id", filter=Q(state=S.CONFIRMED, issue__status__in=[IssueStatus.CLOSED, IssueStatus.REOPENED])),
        _satisfied=Count("id", filter=Q(state=S.CONFIRMED, issue__status=IssueStatus.CLOSED)),
    )
    for v in out.values():
        rated, satisfied = v.pop("_rated"), v.pop("_satisfied")
        v["dept_satisfaction"] = satisfied / rated if rated else None
    return d.merge(out, stationed_compute(c))


def stationed_compute(c: d.Context) -> dict[str, dict]:
    """驻村干部: the current terms in each child region and the work logged there this month (two GROUP BYs;
    not the page's date range: "current" and "this month" are today's)."""
    today = timezone.localdate()
    cadres = c.group(c.scoped(StationedCadre).filter(state=StationedCadre.State.ACTIVE, start_date__lte=today),
                     "village__path")
    visits = c.group(c.scoped(StationedVisit).filter(date__gte=today.replace(day=1), date__lte=today),
                     "cadre__village__path")
    return d.merge(d.rows_by_child(cadres, stationed_current=Count("id")),
                   d.rows_by_child(visits, stationed_visits_month=Count("id")))


def departments_trend(c: d.Context) -> dict:
    qs = c.group(c.dated(c.scoped(DepartmentAssignment), "created_at").filter(LEAD), "issue__region__path")
    return d.monthly(c, qs, "created_at", dept_received=Count("id"),
                     dept_handed_back=Count("id", filter=Q(handed_back_at__isnull=False)))


def register_sections() -> None:
    from governance.scoping import COUNTY

    d.register(d.Section(
        key="departments", title=_("部门"), order=22, roles=COUNTY, compute=departments_compute,
        trend=departments_trend,
        trend_series=(("dept_received", _("交办部门")), ("dept_handed_back", _("部门退回"))),
        metrics=(
            d.Metric("dept_received", _("交办部门"), list_url="departments:assignment_list", list_params="role=lead",
                     dated=True),
            d.Metric("dept_on_time", _("按时办结")),
            d.Metric("dept_overdue", _("超时"), list_url="departments:assignment_list", list_params="overdue=true", chart=True),
            d.Metric("dept_handed_back", _("部门退回"), list_url="departments:assignment_list", list_params="handed_back=true"),
            d.Metric("dept_satisfaction", _("群众满意率"), fmt="pct"),
            d.Metric("stationed_current", _("在岗驻村干部"), list_url="departments:stationed_list",
                     list_params="state=active"),
            d.Metric("stationed_visits_month", _("本月驻村工作记录")),
        ),
    ))
