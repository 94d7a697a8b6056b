"""Reads of grids/: every queryset starts from restrict(user, action) and preloads what is shown."""
from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from governance.models import Household, Region, Resident
from governance.scoping import Role, role_paths

from .models import (
    ACTIVE_STATUSES,
    EscalationLevel,
    EscalationSLA,
    Grid,
    GridMember,
    Issue,
    IssueEvent,
    MajorEvent,
    MajorEventTask,
    Responsibility,
    Visit,
)


def grid_list(*, user) -> QuerySet[Grid]:
    open_issues = Issue.objects.filter(region=OuterRef("region"), status__in=ACTIVE_STATUSES)
    return (
        Grid.objects.restrict(user, "view")
        .select_related("region", "region__parent", "leader")
        .annotate(
            member_count=Count("members", distinct=True),
            assigned_count=Count("responsibilities", distinct=True),
            open_issue_count=_subquery_count(open_issues),
        )
        .order_by("region__path")
    )


def _subquery_count(qs) -> "Subquery":
    from django.db.models import Func, Subquery

    return Subquery(qs.order_by().annotate(n=Func("pk", function="COUNT")).values("n")[:1], output_field=IntegerField())


def grid_households(*, user, grid: Grid) -> QuerySet[Household]:
    """The grid's households (buildings of a compound included), each with its responsible member."""
    return (
        Household.objects.restrict(user, "view")
        .filter(region__path__startswith=grid.region.path)
        .select_related("region", "head", "responsibility__member")
        .annotate(member_count=Count("members"))
        .order_by("number")
    )


def grid_unassigned_households(*, user, grid: Grid) -> QuerySet[Household]:
    return grid_households(user=user, grid=grid).filter(responsibility__isnull=True).order_by("number")


def grid_member_loads(*, user, grid: Grid) -> QuerySet[GridMember]:
    """Members with the number of households each is responsible for (a 40 next to a 2 shows)."""
    loads = Responsibility.objects.filter(grid=OuterRef("grid"), member=OuterRef("resident"))
    return (
        GridMember.objects.restrict(user, "view")
        .filter(grid=grid)
        .select_related("resident", "resident__region")
        .annotate(load=_subquery_count(loads))
        .order_by("-load", "resident__name")
    )


def grid_for_leader(*, user) -> QuerySet[Grid]:
    paths = role_paths(user, {Role.GRID_LEADER})
    if not paths:
        return Grid.objects.none()
    return grid_list(user=user).filter(region__path__in=paths)


def grid_visits_due(*, user, grid: Grid, days: int = 90) -> QuerySet[Household]:
    """Households not visited in the last `days` days: the leader's visits to do."""
    since = timezone.localdate() - timezone.timedelta(days=days)
    recent = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=since)
    return grid_households(user=user, grid=grid).filter(~Exists(recent)).order_by("number")


def party_members_near(*, user, grid: Grid) -> QuerySet[Resident]:
    """Party members of the grid's village who could be put on duty."""
    return (Resident.objects.restrict(user, "view")
            .filter(is_party_member=True, region__path__startswith=grid.region.path[:12])
            .select_related("region").order_by("region__path", "name"))


def issue_list(*, user) -> QuerySet[Issue]:
    """Overdue first, then by deadline; closed/rejected last."""
    now = timezone.now()
    return (
        Issue.objects.restrict(user, "view")
        .select_related("category", "region", "village", "township", "reporter", "assignee", "household")
        .annotate(
            rank=Case(
                When(status__in=ACTIVE_STATUSES, deadline__lt=now, then=Value(0)),
                When(status__in=ACTIVE_STATUSES, then=Value(1)),
                When(status="resolved", then=Value(2)),
                default=Value(3), output_field=IntegerField(),
            )
        )
        .order_by("rank", "deadline", "id")
    )


def issue_events(*, user, issue: Issue) -> QuerySet[IssueEvent]:
    return IssueEvent.objects.restrict(user, "view").filter(issue=issue).select_related("actor").order_by("at", "id")


def responsibility_list(*, user) -> QuerySet[Responsibility]:
    return (Responsibility.objects.restrict(user, "view")
            .select_related("household", "grid__region", "member").order_by("grid__region__path", "household__number"))


def grid_member_list(*, user) -> QuerySet[GridMember]:
    return GridMember.objects.restrict(user, "view").select_related("grid__region", "resident").order_by("grid__region__path", "resident__name")


def visit_list(*, user) -> QuerySet[Visit]:
    return (Visit.objects.restrict(user, "view")
            .select_related("grid__region", "household", "member", "recorded_by", "issue")
            .order_by("-visited_on", "-id"))


def major_event_list(*, user) -> QuerySet[MajorEvent]:
    return (
        MajorEvent.objects.restrict(user, "view")
        .select_related("region", "originator", "issue")
        .annotate(task_count=Count("tasks"), ack_count=Count("tasks", filter=Q(tasks__acknowledged_at__isnull=False)))
        .order_by("-created_at", "-id")
    )


def major_task_list(*, user) -> QuerySet[MajorEventTask]:
    return (MajorEventTask.objects.restrict(user, "view")
            .select_related("event", "grid__region", "grid__region__parent", "acknowledged_by")
            .order_by("acknowledged_at", "grid__region__path"))


def major_event_tasks(*, user, event: MajorEvent) -> QuerySet[MajorEventTask]:
    """The acknowledgement board: visible to the originator (owner) and to staff of each grid."""
    if event.originator_id == user.pk or MajorEvent.objects.restrict(user, "view").filter(pk=event.pk).exists():
        base = MajorEventTask.objects.filter(event=event)
    else:
        base = MajorEventTask.objects.restrict(user, "view").filter(event=event)
    return base.select_related("grid__region", "grid__region__parent", "acknowledged_by").order_by(
        "acknowledged_at", "grid__region__path")


def sla_list(*, user) -> QuerySet[EscalationSLA]:
    return EscalationSLA.objects.restrict(user, "view").order_by("level", "severity")


def issue_overview(*, user) -> list[dict]:
    """Open and overdue issues by township, with counts per level (one grouped query)."""
    now = timezone.now()
    rows = (
        Issue.objects.restrict(user, "view").filter(status__in=ACTIVE_STATUSES)
        .values("township_id", "township__name", "township__path")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(deadline__lt=now)),
            at_grid=Count("id", filter=Q(level=EscalationLevel.GRID)),
            at_village=Count("id", filter=Q(level=EscalationLevel.VILLAGE)),
            at_township=Count("id", filter=Q(level=EscalationLevel.TOWNSHIP)),
            at_county=Count("id", filter=Q(level=EscalationLevel.COUNTY)),
        )
        .order_by("township__path")
    )
    return list(rows)


def region_panel_context(*, user, region: Region) -> dict | None:
    """The region page's section: grids in the subtree, open and overdue issues."""
    if region.level > Region.Level.GROUP:
        return None
    issues = Issue.objects.restrict(user, "view").filter(region__path__startswith=region.path)
    grids = Grid.objects.restrict(user, "view").filter(region__path__startswith=region.path)
    now = timezone.now()
    counts = issues.aggregate(open=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
                              overdue=Count("id", filter=Q(status__in=ACTIVE_STATUSES, deadline__lt=now)))
    grid = grids.filter(region=region).first() if region.level == Region.Level.GROUP else None
    return {"grid_count": grids.count(), "grid": grid, "region": region, **counts}


def resident_panel_context(*, user, resident: Resident) -> dict | None:
    """The resident page's section: who is responsible for the household, and the household's issues."""
    responsibility = (Responsibility.objects.restrict(user, "view").filter(household_id=resident.household_id)
                      .select_related("member", "grid__region").first())
    issues = issue_list(user=user).filter(household_id=resident.household_id)[:10]
    if responsibility is None and not issues:
        return None
    return {"responsibility": responsibility, "issues": issues}


def unassigned_households_below_q(prefix: str = "region__") -> Q:
    """Whether a region (a grid's) holds, anywhere below it, a household without a responsible member.

    The region's path must be one of the prefixes of such a household's path: one uncorrelated
    `path IN (SELECT substr(path, 1, n) …)` per level of the tree, each evaluated once — not a
    `LIKE region.path || '%'` probe of every household per grid."""
    missing = Household.objects.filter(responsibility__isnull=True)
    return reduce(operator.or_, (
        Q(**{f"{prefix}path__in": missing.annotate(_prefix=Substr("region__path", 1, n)).values("_prefix")})
        for n in sorted(set(Region.PATH_LENGTH.values()))))
