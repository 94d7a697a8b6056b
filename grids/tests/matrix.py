"""grids/ in the authorization matrix: one object of each model in A1's group or B1's compound."""
from governance.tests.fixtures import make_household
from governance.tests.matrix import register, register_narrowed, register_pages
from grids.models import EscalationLevel, EscalationSLA, Grid, GridMember, Issue, MajorEvent, MajorEventTask, Responsibility, Visit

from .factories import make_issue, party_member


def _grid(region):
    return Grid.objects.get(region=region)


def _member(region, side, tree, p):
    return GridMember.objects.create(grid=_grid(region), resident=party_member(region, f"矩阵党员{side}"))


def _responsibility(region, side, tree, p):
    member = _member(region, side, tree, p)
    return Responsibility.objects.create(household=make_household(region), grid=member.grid, member=member.resident)


def _issue(region, side, tree, p):
    return make_issue(region, reporter=p.resident_a1 if side == "a" else p.resident_b1)


def _visit(region, side, tree, p):
    return Visit.objects.create(grid=_grid(region), household=make_household(region), notes="矩阵走访",
                                recorded_by=p.grid_leader_a1 if side == "a" else p.grid_leader_b1)


def _event(region, side, tree, p):
    event = MajorEvent.objects.create(title="矩阵联动", description="x", region=region.parent,
                                      originator=p.village_secretary_a1 if side == "a" else p.village_secretary_b1)
    MajorEventTask.objects.create(event=event, grid=_grid(region))
    return event


def _task(region, side, tree, p):
    return _event(region, side, tree, p).tasks.get()


def _sla(region, side, tree, p):
    sla, _ = EscalationSLA.objects.get_or_create(level=EscalationLevel.GRID if side == "a" else EscalationLevel.VILLAGE, severity="minor", defaults={"hours": 72})
    return sla


register(Grid, lambda region, side, tree, p: _grid(region))
register(GridMember, _member)
register(Responsibility, _responsibility)
register(Issue, _issue)
register(Visit, _visit)
register(MajorEvent, _event)
register(MajorEventTask, _task)
register(EscalationSLA, _sla)
register_pages("grid_list", "my_grid", "issue_list", "issue_report", "overview", "visit_list", "visit_add",
               "field_kit", "field_visit",
               "major_event_list", "major_event_add", "sla_list", "grids_api_overview")


def _my_households(user, qs):
    """我的联系户 read by hand: the households whose responsible member is the user's own on-duty record, else
    the leader of a grid the user leads."""
    from governance.models import Resident, RoleAssignment
    from governance.scoping import Role

    own = Resident.objects.filter(user=user, grid_duties__isnull=False).first()
    if own is None:
        paths = RoleAssignment.objects.filter(user=user, role=Role.GRID_LEADER, active=True).values("region__path")
        grid = Grid.objects.filter(region__path__in=paths, leader__isnull=False).order_by("region__path").first()
        own = grid.leader if grid else None
    return qs.filter(responsibility__member=own) if own else qs.none()


register_narrowed("field_kit", _my_households)
