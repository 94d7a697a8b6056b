"""Reads of departments/: every queryset starts from restrict(user, action) and preloads what is shown."""
from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from governance.scoping import beyond_scope, scoped_by
from grids.models import IssueStatus

from .models import (
    ASSIGNMENT_OPEN,
    AssignmentEvent,
    AssignmentState,
    Department,
    DepartmentAssignment,
    DepartmentStaff,
    MatterCatalogueItem,
    StationedCadre,
    StationedVisit,
    Supervision,
    UnitSupervisor,
    Whistle,
    WhistleCall,
)

S = AssignmentState


def department_list(*, user) -> QuerySet[Department]:
    return (Department.objects.restrict(user, "view")
            .annotate(open_count=Count("assignments", filter=Q(assignments__state__in=ASSIGNMENT_OPEN), distinct=True),
                      staff_count=Count("memberships", distinct=True))
            .order_by("name"))


def department_choices(*, user) -> QuerySet[Department]:
    """Departments one may route to, ask to co-handle or name in a whistle: the active ones the user sees,
    and for a department's own staff every active department (asking another to co-handle names it; the
    names of the county's departments are no secret — their matters are)."""
    from .rules import department_ids

    qs = Department.objects.restrict(user, "view")
    if department_ids(user):
        qs = beyond_scope(Department.objects.all(), "a department asks any other county department to co-handle")
    return qs.filter(active=True).order_by("name")


def department_staff_list(*, user, department) -> QuerySet[DepartmentStaff]:
    return DepartmentStaff.objects.restrict(user, "view").filter(department=department).select_related("user")


def department_staff_candidates(*, user):
    """Whom the county may link to a department: the active holders of the role 县直部门工作人员 (assigned at
    county level); anyone else is offered no one."""
    from django.contrib.auth import get_user_model

    from governance.models import RoleAssignment
    from governance.scoping import Role

    from .rules import is_county

    qs = get_user_model().objects.filter(
        pk__in=RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF, active=True).values("user_id"), is_active=True)
    if not is_county(user):
        qs = qs.none()
    return scoped_by(qs.order_by("username"), user, "holders of the county-level role 县直部门工作人员, for the county office only")


def catalogue_list(*, user) -> QuerySet[MatterCatalogueItem]:
    return (MatterCatalogueItem.objects.restrict(user, "view").filter(active=True)
            .select_related("department").prefetch_related("category_links__category").order_by("level", "name"))


def assignment_list(*, user) -> QuerySet[DepartmentAssignment]:
    return (DepartmentAssignment.objects.restrict(user, "view")
            .select_related("issue", "issue__township", "issue__village", "issue__category", "department",
                            "catalogue_item", "lead", "lead__department")
            .order_by("deadline", "id"))


def assignment_events(*, user, assignment) -> QuerySet[AssignmentEvent]:
    return AssignmentEvent.objects.restrict(user, "view").filter(assignment=assignment).select_related("actor")


def assignment_parts(*, user, assignment) -> QuerySet[DepartmentAssignment]:
    """The 主办 and its 协办 parts, as the user may see them."""
    lead_id = assignment.lead_id or assignment.pk
    return assignment_list(user=user).filter(Q(pk=lead_id) | Q(lead_id=lead_id)).order_by("role", "department__name")


def supervision_list(*, user) -> QuerySet[Supervision]:
    return (Supervision.objects.restrict(user, "view")
            .select_related("issue", "issue__township", "issue__village", "created_by").order_by("deadline", "id"))


def whistle_list(*, user) -> QuerySet[Whistle]:
    return (Whistle.objects.restrict(user, "view").select_related("issue", "township", "blown_by")
            .annotate(call_count=Count("calls", distinct=True),
                      answered=Count("calls", filter=~Q(calls__state__in=["pending", "missed"]), distinct=True))
            .order_by("-blown_at", "-id"))


def call_list(*, user) -> QuerySet[WhistleCall]:
    return (WhistleCall.objects.restrict(user, "view")
            .select_related("whistle", "whistle__issue", "whistle__township", "department", "acknowledged_by"))


def whistle_calls(*, user, whistle) -> QuerySet[WhistleCall]:
    return call_list(user=user).filter(whistle=whistle).order_by("department__name")


def unit_supervisor_list(*, user) -> QuerySet[UnitSupervisor]:
    return (UnitSupervisor.objects.restrict(user, "view").select_related("unit", "unit__region", "department")
            .order_by("department__name", "unit__name"))


def unit_performance(*, user, department) -> list[dict]:
    """压实主管部门责任: the department's units — their 双报到 and service orders (accepted, on time, rating).
    Figures only, never rows of the orders: the department's staff read them through the units they
    supervise, which their own scope (UnitSupervisor) names."""
    from services.models import Order, UnitReport

    units = list(unit_supervisor_list(user=user).filter(department=department).values_list("unit_id", "unit__name"))
    ids = [u for u, _n in units]
    orders = beyond_scope(Order.objects.filter(unit_id__in=ids),
                          "the supervising department sees the figures of the units it supervises (压实主管部门责任)")
    figures = {row["unit_id"]: row for row in orders.values("unit_id").annotate(
        accepted=Count("id", filter=Q(accepted_by__isnull=False)),
        done=Count("id", filter=Q(status__in=["completed", "confirmed"])),
        open=Count("id", filter=Q(status__in=list(Order.OPEN))),
        late=Count("id", filter=Q(status__in=list(Order.OPEN), stage_deadline__lt=timezone.now())),
        rating=Avg("rating"),
    ).order_by()}
    reports = dict(beyond_scope(UnitReport.objects.filter(unit_id__in=ids),
                                "the supervising department sees where its units reported in (双报到)")
                   .values("unit_id").annotate(n=Count("id")).order_by().values_list("unit_id", "n"))
    out = []
    for unit_id, name in units:
        row = figures.get(unit_id, {})
        done, late = row.get("done", 0), row.get("late", 0)
        out.append({"unit_id": unit_id, "name": name, "reports": reports.get(unit_id, 0),
                    "accepted": row.get("accepted", 0), "done": done, "open": row.get("open", 0), "late": late,
                    "rating": row.get("rating")})
    return out


def scorecard(*, user, since: dt.date, until: dt.date) -> list[dict]:
    """部门考核: per department and month — received, on time, overdue, handed back, villager satisfaction —
    over the 主办 assignments the user sees (one GROUP BY)."""
    now = timezone.now()
    qs = (assignment_list(user=user).filter(role=DepartmentAssignment.Role.LEAD, created_at__date__gte=since,
                                            created_at__date__lte=until)
          .annotate(month=TruncMonth("created_at")).values("department__name", "month")
          .annotate(received=Count("id"),
                    on_time=Count("id", filter=Q(reported_at__isnull=False, reported_at__lte=F("deadline"))),
                    overdue=Count("id", filter=Q(reported_at__gt=F("deadline"))
                                  | Q(reported_at__isnull=True, state__in=[S.PENDING, S.ACCEPTED], deadline__lt=now)),
                    handed_back=Count("id", filter=Q(handed_back_at__isnull=False)),
                    rated=Count("id", filter=Q(state=S.CONFIRMED, issue__status__in=[IssueStatus.CLOSED, IssueStatus.REOPENED])),
                    satisfied=Count("id", filter=Q(state=S.CONFIRMED, issue__status=IssueStatus.CLOSED)))
          .order_by("department__name", "month"))
    rows = []
    for r in qs:
        r["satisfaction"] = r["satisfied"] / r["rated"] if r["rated"] else None
        r["month"] = f"{r['month']:%Y-%m}"
        rows.append(r)
    return rows


# --- 驻村干部 ---------------------------------------------------------------------------------------------


def stationed_list(*, user) -> QuerySet[StationedCadre]:
    """The stationed cadres the user sees (the village its own, the township its villages', the county all, a
    cadre their own terms), with their visit count and last visit (subqueries: the same cost at any size)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    visits = StationedVisit.objects.filter(cadre=OuterRef("pk")).order_by().values("cadre")
    return (StationedCadre.objects.restrict(user, "view")
            .select_related("village", "village__parent", "department", "user")
            .annotate(visit_count=Coalesce(Subquery(visits.annotate(n=Count("id")).values("n")), 0),
                      last_visit=Subquery(visits.annotate(d=Max("date")).values("d")))
            .order_by("state", "village__path", "-start_date", "id"))


def stationed_visits(*, user, cadre) -> QuerySet[StationedVisit]:
    return StationedVisit.objects.restrict(user, "view").filter(cadre=cadre).select_related("logged_by")


def stationed_villages(*, user) -> QuerySet:
    """Where the user may station a cadre: every village for the county, a township's own villages."""
    from governance.models import Region
    from governance.scoping import COUNTY, TOWNSHIP
    from governance.selectors import regions_where

    return regions_where(user=user, roles=COUNTY | TOWNSHIP, levels=[Region.Level.VILLAGE])


def stationed_cadre_candidates(*, user):
    """Whom one may station: for the county, every holder of a county, township or department cadre role; for
    a township, its own cadres and the county departments' staff (sent down to its villages)."""
    from django.contrib.auth import get_user_model

    from governance.models import Region, RoleAssignment
    from governance.scoping import COUNTY, TOWNSHIP, Role, is_unrestricted, role_paths, subtree_q

    current = RoleAssignment.objects.current()
    if is_unrestricted(user) or role_paths(user, COUNTY):
        holders = current.filter(role__in=list(COUNTY | TOWNSHIP | {Role.DEPARTMENT_STAFF}))
    elif paths := role_paths(user, TOWNSHIP):
        holders = current.filter(Q(role=Role.DEPARTMENT_STAFF)
                                 | Q(role__in=list(TOWNSHIP), region__in=Region.objects.filter(subtree_q(paths)).values("pk")))
    else:
        holders = current.none()
    qs = get_user_model().objects.filter(pk__in=holders.values("user_id"), is_active=True).order_by("username")
    return scoped_by(qs, user, "holders of a cadre role in role_paths(user, COUNTY | TOWNSHIP), or county department "
                               "staff, for the county or a township only")
