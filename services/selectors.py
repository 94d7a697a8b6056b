"""Reads of services/: every one starts from `restrict(user, action)` and preloads what is shown."""
from __future__ import annotations

from django.db.models import (
    Case, Count, DecimalField, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value, When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from centers.models import Unit
from centers.selectors import work_category_list
from governance.models import Region, RoleAssignment
from governance.scoping import beyond_scope, scoped_by

from .models import (
    Allocation, Errand, Expenditure, Fund, HardshipRecord, JointActivity, MemberReport, MenuItem, MicroWish, MicroWork,
    Order, OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, Volunteer, VolunteerActivity, VolunteerHour, VolunteerTeam,
)


def menu_item_list(*, user, active_only: bool = False):
    qs = MenuItem.objects.restrict(user, "view").select_related("township", "category").prefetch_related("units")
    return qs.filter(status=MenuItem.Status.ACTIVE) if active_only else qs


def menu_for_user(*, user):
    """The active items of the menus of the townships the user lives or works in (all of them for whoever
    works above a township)."""
    T = Region.Level.TOWNSHIP
    rows = list(Region.objects.filter(role_assignments__user=user, role_assignments__active=True)
                .values_list("path", "level"))
    resident = getattr(user, "resident", None) if user.is_authenticated else None
    if resident is not None:
        rows.append((resident.region.path, resident.region.level))
    qs = menu_item_list(user=user, active_only=True)
    if user.is_superuser or any(level < T for _path, level in rows):
        return qs
    return qs.filter(township__path__in={Region.prefix(path, T) for path, _level in rows})


def _with_overdue(qs):
    now = timezone.now()
    return qs.annotate(overdue_rank=Case(
        When(status__in=Order.OPEN, stage_deadline__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField(),
    ))


def order_list(*, user, action: str = "view"):
    """Overdue orders first, then the nearest deadline, then the newest."""
    qs = Order.objects.restrict(user, action).select_related("region", "unit", "item", "resident", "placed_by")
    return _with_overdue(qs).order_by("overdue_rank", "stage_deadline", "-created_at", "-id")


def order_dispatch_queue(*, user):
    return order_list(user=user, action="dispatch").filter(status=Order.Status.PLACED)


def order_unit_inbox(*, user):
    return order_list(user=user).filter(unit__staff=user, status__in=[Order.Status.DISPATCHED, Order.Status.ACCEPTED,
                                                                       Order.Status.COMPLETED])


def order_mine(*, user):
    return order_list(user=user).filter(placed_by=user)


def active_units(*, user):
    """The co-building units the user sees that are still active (listed on a menu item, reporting)."""
    return unit_list(user=user).filter(active=True).order_by("name")


def dispatch_units(order):
    """The units an order may be dispatched to: those the township's 大工委 listed for its menu item."""
    return beyond_scope(order.item.units.filter(active=True).order_by("name"),
                        "the units listed for a menu item take its orders wherever they sit in the tree")


def dispatchable_units(*, user=None):
    """A unit named in a dispatch (the API's body): any active unit — the action refuses one that does not
    take the order's item, which is what dispatch_units() offers on the page."""
    return beyond_scope(Unit.objects.filter(active=True),
                        "any active unit; the action refuses one that does not take the order's item")


def order_events(*, user, order):
    return OrderEvent.objects.restrict(user, "view").filter(order=order).select_related("actor", "unit")


def order_event_list(*, user):
    return OrderEvent.objects.restrict(user, "view").select_related("actor", "unit", "order")


def order_stats(*, user):
    """Per township (of the menu): total, open, overdue, done, average rating — one grouped query."""
    now = timezone.now()
    data = list(Order.objects.restrict(user, "view").values("item__township")
                .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=Order.OPEN)),
                          overdue=Count("id", filter=Q(status__in=Order.OPEN, stage_deadline__lt=now)),
                          done=Count("id", filter=Q(status=Order.Status.CONFIRMED)),
                          rating_sum=Coalesce(Sum("rating"), 0), rated=Count("rating"))
                .order_by("item__township"))
    names = dict(Region.objects.filter(pk__in=[d["item__township"] for d in data]).values_list("pk", "name"))
    return [{**d, "township": names.get(d["item__township"], ""),
             "avg_rating": round(d["rating_sum"] / d["rated"], 2) if d["rated"] else None} for d in data]


# --- 双报到 --------------------------------------------------------------------------------------

def _distinct(model, user, action="view"):
    """Restrict through a subquery: an owner lookup across the units' staff (M2M) would repeat rows."""
    return scoped_by(model.objects.filter(pk__in=model.objects.restrict(user, action).values("pk")), user,
                     f"pk in {model.__name__}.objects.restrict(user, {action!r}) — a subquery, so no row repeats")


def _works_there(user, unit_path: str = "unit_id"):
    return Exists(Unit.staff.through.objects.filter(unit_id=OuterRef(unit_path), user_id=getattr(user, "pk", None)))


def unit_report_list(*, user):
    """With whether the user works for the reporting unit (the 登记活动 rule asks it of every row)."""
    return (_distinct(UnitReport, user).select_related("unit", "community")
            .annotate(activity_count=Count("activities"), actor_works_there=_works_there(user))
            .order_by("-reported_at", "id"))


def report_communities(*, user=None):
    """The villages and communities a unit or an in-service party member may report to."""
    return beyond_scope(Region.objects.filter(level=Region.Level.VILLAGE).order_by("path"),
                        "a unit or a party member reports to any village/community of the county, wherever the "
                        "reporter's own scope lies; the names of villages are public")


def joint_activity_list(*, user):
    return _distinct(JointActivity, user).select_related("report__unit", "report__community")


def member_report_list(*, user, year: int | None = None):
    """Who has reported, with each member's hours this year (a subquery per row, not a query per row)."""
    year = year or timezone.localdate().year
    hours = (ServiceHour.objects.filter(report=OuterRef("pk"), served_on__year=year).values("report")
             .annotate(s=Sum("hours")).values("s"))
    return (MemberReport.objects.restrict(user, "view").select_related("community", "member")
            .annotate(hours_this_year=Coalesce(Subquery(hours), Value(0), output_field=DecimalField())))


def service_hour_list(*, user):
    return ServiceHour.objects.restrict(user, "view").select_related("report__community")


def unit_list(*, user):
    return _distinct(Unit, user).select_related("region")


def units_of(*, user):
    """The units the user works for (a wish claimed in a unit's name)."""
    return unit_list(user=user).filter(staff=user, active=True).order_by("name")


def work_categories(*, user):
    return work_category_list(user=user).filter(active=True)


# --- Micro-works and funds -----------------------------------------------------------------------

def _with_money(qs):
    alloc = (Allocation.objects.filter(work=OuterRef("pk")).values("work")
             .annotate(a=Sum("amount_fen"), s=Sum("spent_fen")))
    return (qs.select_related("region", "category", "facility")
            .annotate(allocated_fen=Coalesce(Subquery(alloc.values("a")), 0),
                      spent_fen=Coalesce(Subquery(alloc.values("s")), 0)))


def micro_work_list(*, user):
    return _with_money(MicroWork.objects.restrict(user, "view"))


def _own_village_paths(user) -> set[str]:
    """The villages the user lives or works in (assigned at a village or below it)."""
    V = Region.Level.VILLAGE
    rows = list(RoleAssignment.objects.current().filter(user=user).values_list("region__path", "region__level"))
    resident = getattr(user, "resident", None) if user.is_authenticated else None
    if resident is not None:
        rows.append((resident.region.path, resident.region.level))
    return {Region.prefix(path, V) for path, level in rows if level >= V}


def micro_work_board(*, user):
    """What the user's scope shows, plus the accepted works publicly shown (公示) in the villages the user
    lives or works in — a grid leader or villager sees their own village's finished works."""
    if not getattr(user, "is_authenticated", False):
        return MicroWork.objects.restrict(user, "view")
    scoped = MicroWork.objects.restrict(user, "view").values("pk")
    villages = _own_village_paths(user)
    board = MicroWork.objects.filter(Q(pk__in=scoped) | Q(is_public=True, region__path__in=villages))
    return _with_money(beyond_scope(board, "公示: the accepted works of the villages the user lives or works in are "
                                           "shown to everyone there, beyond their own scope"))


def micro_work_public(*, user):
    return micro_work_board(user=user).filter(is_public=True)


def facility_list(*, user):
    invest = (Allocation.objects.filter(work__facility=OuterRef("pk")).values("work__facility")
              .annotate(s=Sum("amount_fen")).values("s"))
    return (ServiceCenterFacility.objects.restrict(user, "view").select_related("village")
            .annotate(invested_fen=Coalesce(Subquery(invest), 0), project_count=Count("projects"))
            .order_by("village__path"))


def village_center(*, user, village):
    """The village's party-mass service center (a center project is its own village's), if the user sees it."""
    return ServiceCenterFacility.objects.restrict(user, "view").filter(village=village).first()


def fund_list(*, user, action: str = "view"):
    return Fund.objects.restrict(user, action).select_related("region")


def funds_for_work(*, user, work):
    """The funds the user may allocate that pay for a work: its village's, its township's or the county's."""
    paths = [work.region.path_at(level) for level in (Region.Level.COUNTY, Region.Level.TOWNSHIP, Region.Level.VILLAGE)]
    return fund_list(user=user, action="allocate").filter(region__path__in=paths).order_by("-year", "name")


def allocation_list(*, user):
    return Allocation.objects.restrict(user, "view").select_related("fund", "work__region", "approved_by")


def expenditure_list(*, user):
    return Expenditure.objects.restrict(user, "view").select_related("allocation__fund", "allocation__work__region")


def hardship_list(*, user):
    return (HardshipRecord.objects.restrict(user, "view")
            .select_related("resident", "resident__region", "recorded_by"))


def hardship_due_count(*, user) -> int:
    """Records in the user's scope whose review date has come (the office's worklist)."""
    return hardship_list(user=user).filter(ended_at__isnull=True, review_due__lte=timezone.localdate()).count()


def micro_wish_list(*, user):
    return MicroWish.objects.restrict(user, "view").select_related("region", "resident", "claimed_unit", "claimed_by")


# --- Errands, volunteers -------------------------------------------------------------------------

def errand_list(*, user):
    return Errand.objects.restrict(user, "view").select_related("resident", "region", "assistant")


def volunteer_team_list(*, user, year: int | None = None):
    year = year or timezone.localdate().year
    total = (VolunteerHour.objects.filter(activity__team=OuterRef("pk")).values("activity__team")
             .annotate(s=Sum("hours")).values("s"))
    this_year = (VolunteerHour.objects.filter(activity__team=OuterRef("pk"), activity__held_on__year=year)
                 .values("activity__team").annotate(s=Sum("hours")).values("s"))
    members = Volunteer.objects.filter(team=OuterRef("pk")).values("team").annotate(
        n=Count("id")).values("n")
    return (VolunteerTeam.objects.restrict(user, "view").select_related("region")
            .annotate(member_count=Coalesce(Subquery(members), 0),
                      total_hours=Coalesce(Subquery(total), Value(0), output_field=DecimalField()),
                      hours_this_year=Coalesce(Subquery(this_year), Value(0), output_field=DecimalField())))


def team_members(*, user, team):
    """The members of a team the user may see (a Volunteer has no scope of its own: it is its team's)."""
    return scoped_by(team.members.order_by("name"), user, "the members of a team loaded through "
                     "volunteer_team_list(user)")


def volunteer_activity_list(*, user):
    hours = (VolunteerHour.objects.filter(activity=OuterRef("pk")).values("activity")
             .annotate(s=Sum("hours"), n=Count("id")))
    return (VolunteerActivity.objects.restrict(user, "view").select_related("team__region")
            .annotate(total_hours=Coalesce(Subquery(hours.values("s")), Value(0), output_field=DecimalField()),
                      participant_count=Coalesce(Subquery(hours.values("n")), 0)))


def volunteer_totals_by_region(*, user, level: int):
    """Hours per village or township (level), over the teams the user may see: one grouped query."""
    teams = VolunteerTeam.objects.restrict(user, "view")
    length = Region.PATH_LENGTH[level]
    from django.db.models.functions import Substr

    rows = (VolunteerHour.objects.filter(activity__team__in=teams.values("pk"))
            .annotate(prefix=Substr("activity__team__region__path", 1, length))
            .values("prefix").annotate(hours=Sum("hours"), teams=Count("activity__team", distinct=True))
            .order_by("prefix"))
    names = dict(Region.objects.filter(level=level, path__in=[r["prefix"] for r in rows]).values_list("path", "name"))
    return [{"region": names.get(r["prefix"], r["prefix"]), "hours": r["hours"], "teams": r["teams"]} for r in rows
            if r["prefix"] in names]



def region_panel(*, user, region):
    """Orders, micro-works and volunteer teams inside a region's subtree, for the region page (3 queries)."""
    now = timezone.now()
    inside = region.subtree().values("pk")
    orders = Order.objects.restrict(user, "view").filter(region__in=inside).aggregate(
        total=Count("id"), open=Count("id", filter=Q(status__in=Order.OPEN)),
        overdue=Count("id", filter=Q(status__in=Order.OPEN, stage_deadline__lt=now)))
    works = MicroWork.objects.restrict(user, "view").filter(region__in=inside).aggregate(
        total=Count("id"), accepted=Count("id", filter=Q(status=MicroWork.Status.ACCEPTED)))
    works["spent"] = (Allocation.objects.restrict(user, "view").filter(work__region__in=inside)
                      .aggregate(s=Sum("spent_fen"))["s"] or 0)
    teams = VolunteerTeam.objects.restrict(user, "view").filter(region__in=inside).count()
    if not (orders["total"] or works["total"] or teams):
        return None
    return {"region": region, "orders": orders, "works": works, "teams": teams}
