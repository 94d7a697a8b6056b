"""services/ in the authorization matrix: one object of each model in a given region."""
import datetime as dt

from governance.tests.fixtures import make_resident
from governance.models import Region, RoleAssignment
from governance.tests.matrix import (PUBLIC_URL_NAMES, register, register_kwarg, register_narrowed, register_pages,
                                    visible_pks)
from services.models import (
    Allocation, Errand, Expenditure, Fund, HardshipRecord, JointActivity, LinkageHeading, MemberReport, MenuItem, MicroWish, MicroWork,
    Order, OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, Volunteer, VolunteerActivity, VolunteerHour,
    VolunteerTeam,
)

from .factories import make_allocation, make_fund, make_item, make_order, make_unit, make_work


def _township(region):
    return region.parent.parent  # a group/compound → its village → its township


def _village(region):
    return region.parent


def _item(region, side, tree, p):
    return make_item(_township(region), [make_unit(_township(region))])


def _order(region, side, tree, p):
    placer = p.resident_a1 if side == "a" else p.resident_b1
    return make_order(region, _item(region, side, tree, p), placed_by=placer)


def _unit_report(region, side, tree, p):
    unit = make_unit(_township(region), staff=[p.unit_staff_a] if side == "a" else [])
    return UnitReport.objects.create(unit=unit, community=_village(region))


def _member_report(region, side, tree, p):
    member = p.grid_leader_a1 if side == "a" else p.grid_leader_b1
    return MemberReport.objects.get_or_create(member=member, community=_village(region),
                                              defaults={"name": "党员", "workplace": "县财政局"})[0]


def _facility(region, side, tree, p):
    return ServiceCenterFacility.objects.get_or_create(village=_village(region), defaults={"name": "党群服务中心"})[0]


def _fund(region, side, tree, p):
    return Fund.objects.filter(region=_village(region)).first() or make_fund(_village(region))


def _allocation(region, side, tree, p):
    return make_allocation(_fund(region, side, tree, p), make_work(_village(region)), 100_000)


def _expenditure(region, side, tree, p):
    alloc = _allocation(region, side, tree, p)
    Allocation.objects.filter(pk=alloc.pk).update(spent_fen=5_000)
    Fund.objects.filter(pk=alloc.fund_id).update(spent_fen=5_000)
    return Expenditure.objects.create(allocation=alloc, amount_fen=5_000, payee="施工队", purpose="材料", receipt_number="R1")


def _team(region, side, tree, p):
    return VolunteerTeam.objects.create(name=f"党员志愿服务队{side}", region=_village(region))


def _activity(region, side, tree, p):
    team = _team(region, side, tree, p)
    act = VolunteerActivity.objects.create(team=team, title="清扫村道", held_on=dt.date(2026, 5, 1))
    VolunteerHour.objects.create(activity=act, volunteer=Volunteer.objects.create(team=team, name="志愿者"), hours=2)
    return act


register(MenuItem, _item)
register(Order, _order)
register(OrderEvent, lambda region, side, tree, p: _order(region, side, tree, p).events.first())
register(UnitReport, _unit_report)
register(JointActivity, lambda region, side, tree, p: JointActivity.objects.create(
    report=_unit_report(region, side, tree, p), heading=LinkageHeading.SERVICES, title="义诊", held_on=dt.date(2026, 3, 1)))
register(MemberReport, _member_report)
register(ServiceHour, lambda region, side, tree, p: ServiceHour.objects.create(
    report=_member_report(region, side, tree, p), served_on=dt.date(2026, 3, 1), hours=2, activity="政策宣讲"))
register(MicroWork, lambda region, side, tree, p: make_work(_village(region)))
register(ServiceCenterFacility, _facility)
register(Fund, _fund)
register(Allocation, _allocation)
register(Expenditure, _expenditure)
register(MicroWish, lambda region, side, tree, p: MicroWish.objects.create(
    region=_village(region), resident=make_resident(region), title="一台轮椅"))
register(HardshipRecord, lambda region, side, tree, p: HardshipRecord.objects.create(
    resident=make_resident(region), group="dibao", since=dt.date(2025, 1, 1), review_due=dt.date(2026, 1, 1),
    recorded_by=p.village_secretary_a1 if side == "a" else p.village_secretary_b1))
register(Errand, lambda region, side, tree, p: Errand.objects.create(
    resident=make_resident(region), region=_village(region), kind=Errand.Kind.SOCIAL_INSURANCE, title="医保转移",
    assistant=p.village_assistant_a1))
register(VolunteerTeam, _team)
register(VolunteerActivity, _activity)

# Pages: lists and forms scoped by their selectors, and object pages named by <pk>.
register_pages("services_home", "menu_list", "menu_add", "order_list", "order_mine", "order_dispatch_queue",
               "order_inbox", "micro_work_list", "micro_work_add", "fund_list", "facility_list", "micro_wish_list",
               "micro_wish_add", "errand_list", "errand_add", "volunteer_team_list", "volunteer_team_add", "reporting",
               "unit_report_add", "member_report_add", "hardship_list", "hardship_add")
for _name in ("menu_withdraw", "order_place"):
    register_kwarg(f"{_name}:pk", MenuItem)
for _name in ("order_dispatch", "order_accept", "order_hand_back", "order_complete", "order_confirm", "order_reopen",
              "order_cancel"):
    register_kwarg(f"{_name}:pk", Order)
for _name in ("micro_work_decide", "micro_work_allocate", "micro_work_start", "micro_work_accept"):
    register_kwarg(f"{_name}:pk", MicroWork)
register_kwarg("allocation_spend:pk", Allocation)
for _name in ("micro_wish_claim", "micro_wish_fulfil", "micro_wish_confirm"):
    register_kwarg(f"{_name}:pk", MicroWish)
register_kwarg("errand_advance:pk", Errand)
for _name in ("hardship_review", "hardship_end"):
    register_kwarg(f"{_name}:pk", HardshipRecord)
register_kwarg("volunteer_activity_add:pk", VolunteerTeam)
register_kwarg("joint_activity_add:pk", UnitReport)
register_kwarg("service_hour_add:pk", MemberReport)

def _menu_of_my_townships(user, qs):
    """The resident's menu: active items of the townships the user lives or works in (all, above a township)."""
    regions = [a.region for a in RoleAssignment.objects.filter(user=user, active=True).select_related("region")]
    if getattr(user, "resident", None) is not None:
        regions.append(user.resident.region)
    qs = qs.filter(status=MenuItem.Status.ACTIVE)
    if any(r.level < Region.Level.TOWNSHIP for r in regions):
        return qs
    return qs.filter(township__in=[r.ancestor_at(Region.Level.TOWNSHIP) for r in regions])


# Lists that show a part of the user's scope, read by hand.
register_narrowed("menu_list", _menu_of_my_townships)
register_narrowed("order_mine", lambda user, qs: qs.filter(placed_by=user))
register_narrowed("order_dispatch_queue", lambda user, qs: qs.filter(
    status=Order.Status.PLACED, pk__in=visible_pks(user, Order, "dispatch")))
register_narrowed("order_inbox", lambda user, qs: qs.filter(
    unit__staff=user, status__in=[Order.Status.DISPATCHED, Order.Status.ACCEPTED, Order.Status.COMPLETED]))

# Open311 GeoReport v2 (mounted at /open311/v2/ by the root urlconf): public reads, POST needs an api_key.
PUBLIC_URL_NAMES.update({"open311_services", "open311_service_definition", "open311_requests", "open311_request"})


def _n_fund(tree, p, i):
    return make_fund(tree.A1, year=1900 + i)


# Bulk makers for the query-count tests (tree, personas, i) -> object.
FACTORIES_BY_ENDPOINT = {
    "orders": lambda tree, p, i: _order(tree.A1g, "a", tree, p),
    "micro-works": lambda tree, p, i: make_work(tree.A1),
    "volunteer-teams": lambda tree, p, i: _activity(tree.A1g, f"a{i}", tree, p).team,
    "member-reports": lambda tree, p, i: MemberReport.objects.create(
        member=make_user_for(i), name="党员", workplace="县财政局", community=tree.A1),
    "unit-reports": lambda tree, p, i: _unit_report(tree.A1g, "a", tree, p),
    "funds": _n_fund,
    "allocations": lambda tree, p, i: make_allocation(_n_fund(tree, p, i), make_work(tree.A1), 100),
    "errands": lambda tree, p, i: Errand.objects.create(
        resident=make_resident(tree.A1g), region=tree.A1, kind=Errand.Kind.OTHER, title="代办",
        assistant=p.village_assistant_a1),
}


def make_user_for(i):
    from governance.tests.fixtures import make_user

    return make_user(f"member_{i}")
