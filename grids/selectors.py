"""Reads of grids/: every queryset starts from restrict(user, action) and preloads what is shown."""
from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from centers.models import WorkCategory
from governance.models import Household, Region, Resident
from governance.scoping import MANAGERS, STAFF_ROLES, Role, beyond_scope, is_unrestricted, role_paths, scoped_by, subtree_q

from .models import (
    ACTIVE_STATUSES,
    LEVEL_HANDLERS,
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


def grid_export_list(*, user) -> QuerySet[Grid]:
    """The grid list plus the households of each grid (a compound's buildings included), as subqueries.
    Whoever sees a grid sees every household in it (both are read by the staff of the region), so the
    counts need no restriction of their own."""
    in_grid = Household.objects.filter(region__path__startswith=OuterRef("region__path"))
    return grid_list(user=user).annotate(
        household_count=_subquery_count(in_grid),
        unassigned_count=_subquery_count(in_grid.filter(responsibility__isnull=True)),
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


def field_member(*, user) -> Resident | None:
    """The party member the signed-in user is in the field: their own resident record when it is on duty in
    a grid they see, else the leader of a grid they lead (a grid leader's account not linked to a resident)."""
    on_duty = GridMember.objects.restrict(user, "view")
    own = (scoped_by(Resident.objects.filter(user=user), user, "the user's own resident record")
           .filter(pk__in=on_duty.values("resident_id")).first())
    if own is not None:
        return own
    paths = role_paths(user, {Role.GRID_LEADER})
    led = (Grid.objects.restrict(user, "view").filter(region__path__in=paths, leader__isnull=False)
           .select_related("leader").order_by("region__path").first()) if paths else None
    return led.leader if led is not None else None


def field_households(*, user, member: Resident | None = None) -> QuerySet[Household]:
    """我的联系户: the households the user's party member is responsible for, the one not visited for
    longest first (never visited before any), each with its last visit's date."""
    member = member if member is not None else field_member(user=user)
    if member is None:
        return Household.objects.restrict(user, "view").none()
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    return (Household.objects.restrict(user, "view").filter(responsibility__member=member)
            .select_related("region", "head")
            .annotate(last_visit=Subquery(last))
            .order_by(F("last_visit").asc(nulls_first=True), "number"))


def party_members_near(*, user, grid: Grid) -> QuerySet[Resident]:
    """Party members of the grid's village who could be put on duty."""
    return (Resident.objects.restrict(user, "view")
            .filter(is_party_member=True, region__path__startswith=grid.region.village_path)
            .select_related("region").order_by("region__path", "name"))


def grid_member_residents(*, user, grid: Grid) -> QuerySet[Resident]:
    """The party members on duty in a grid (who may take a household)."""
    return (Resident.objects.restrict(user, "view")
            .filter(pk__in=GridMember.objects.restrict(user, "view").filter(grid=grid).values("resident_id"))
            .order_by("name"))


def duty_members(*, user) -> QuerySet[Resident]:
    """The party members on duty in the grids the user sees (who may have made a visit)."""
    return (Resident.objects.restrict(user, "view")
            .filter(pk__in=GridMember.objects.restrict(user, "view").values("resident_id")).order_by("name"))


def households(*, user) -> QuerySet[Household]:
    """Households a report or a visit may name (the action reads each one's region)."""
    return Household.objects.restrict(user, "view").select_related("region").order_by("number")


def report_categories(*, user) -> QuerySet[WorkCategory]:
    """The categories an issue may be reported under: the county's active ones."""
    return WorkCategory.objects.restrict(user, "view").filter(active=True).order_by("center_kind", "name")


def report_regions(*, user) -> QuerySet[Region]:
    """The grids (groups/compounds) a user may report into: staff their scope's, a resident their village's."""
    qs = Region.objects.restrict(user, "view").filter(level=Region.Level.GROUP).order_by("path")
    if is_unrestricted(user):
        return qs
    paths = role_paths(user, STAFF_ROLES)
    if not paths:
        own = Resident.objects.filter(user=user).select_related("region").first()
        paths = [own.region.village_path] if own is not None else []
    return qs.filter(subtree_q(paths)) if paths else qs.none()


def any_region(*, user) -> QuerySet[Region]:
    """A region named in an API report: codes are public statistics, and the action refuses one outside the
    reporter's village or scope with its own message (a resident learns why, not a bare 'not found')."""
    return beyond_scope(Region.objects.all(), "region codes are public; issue_report refuses a region outside "
                                              "the reporter's village or scope with its own message")


def major_event_regions(*, user) -> QuerySet[Region]:
    """The scopes a major event may cover: a village, a township or the county the user manages."""
    qs = Region.objects.restrict(user, "view").filter(level__lte=Region.Level.VILLAGE).order_by("path")
    if is_unrestricted(user):
        return qs
    paths = role_paths(user, MANAGERS)
    return qs.filter(subtree_q(paths)) if paths else qs.none()


def issue_handlers(*, user, issue: Issue):
    """Who may be assigned an issue: the holders of its level's handler roles on its region's path."""
    from django.contrib.auth import get_user_model

    paths = [issue.region.path_at(level) for level in Region.Level if level <= issue.region.level]
    qs = get_user_model().objects.filter(
        is_active=True, role_assignments__active=True, role_assignments__role__in=LEVEL_HANDLERS[issue.level],
        role_assignments__region__path__in=paths).distinct().order_by("username")
    return scoped_by(qs, user, "the handlers of an issue the user sees: its level's roles on its region's path")


def assignable_users(*, user):
    """Whom an API caller may name as an issue's assignee: the staff on the caller's own chain — holding a
    staff role inside the caller's subtrees or above them. The action then refuses one who does not handle
    the issue's level."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(is_active=True, role_assignments__active=True,
                                         role_assignments__role__in=STAFF_ROLES)
    if not is_unrestricted(user):
        roots = role_paths(user, STAFF_ROLES)
        if not roots:
            return scoped_by(qs.none(), user, "no staff role: no one")
        above = {Region.prefix(root, level) for root in roots for level in Region.Level if Region.prefix(root, level) != root}
        qs = qs.filter(subtree_q(roots, prefix="role_assignments__region__") | Q(role_assignments__region__path__in=above))
    return scoped_by(qs.distinct().order_by("username"), user,
                     "staff holding a role in the caller's subtrees or above them (role_paths)")


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


def major_tasks_to_answer(*, user) -> QuerySet[MajorEventTask]:
    """The tasks still waiting for an answer from a grid the user works in (restricted for answering)."""
    return (MajorEventTask.objects.restrict(user, "change").filter(acknowledged_at__isnull=True)
            .select_related("event", "grid__region").order_by("event__created_at", "grid__region__path"))


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
