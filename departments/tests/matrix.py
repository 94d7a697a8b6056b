"""departments/ in the authorization matrix: one object of each model on each side. Side A's department has
`department_staff_a` as its staff, side B's `department_staff_b`: each must see nothing of the other's."""
import datetime as dt
import itertools

from django.utils import timezone

from centers.models import Unit
from departments.models import (
    AssignmentEvent,
    CatalogueCategory,
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
from governance.models import Region
from governance.tests.matrix import register, register_kwarg, register_pages
from grids.tests.factories import category

from .factories import county_issue, department

_n = itertools.count(1)


def _dept(side, p):
    return department(f"matrix-{side}", f"矩阵部门{side}", staff=[getattr(p, f"department_staff_{side}")])


def _issue(region, side, p):
    return county_issue(region, reporter=getattr(p, f"grid_leader_{side}1"), title=f"矩阵县级事件{next(_n)}")


def _assignment(region, side, tree, p):
    return DepartmentAssignment.objects.create(issue=_issue(region, side, p), department=_dept(side, p),
                                               deadline=timezone.now() + dt.timedelta(days=7))


def _item(region, side, tree, p):
    return MatterCatalogueItem.objects.create(name=f"矩阵事项{next(_n)}", level="county", department=_dept(side, p),
                                              plain_description="矩阵")


def _whistle(region, side, tree, p):
    issue = _issue(region, side, p)
    whistle = Whistle.objects.create(issue=issue, township=Region.objects.get(pk=issue.township_id), request="矩阵",
                                     ack_deadline=timezone.now() + dt.timedelta(hours=24), blown_by=p.county_admin)
    WhistleCall.objects.create(whistle=whistle, department=_dept(side, p))
    return whistle


def _supervision(region, side, tree, p):
    a = _assignment(region, side, tree, p)
    return Supervision.objects.create(issue=a.issue, requirement="矩阵", deadline=timezone.now() + dt.timedelta(days=3),
                                      created_by=p.county_admin)


def _unit_supervisor(region, side, tree, p):
    unit = Unit.objects.create(name=f"矩阵主管单位{next(_n)}", kind=Unit.Kind.AGENCY, region=region)
    return UnitSupervisor.objects.create(unit=unit, department=_dept(side, p))


register(Department, lambda region, side, tree, p: _dept(side, p))
register(DepartmentStaff, lambda region, side, tree, p: DepartmentStaff.objects.get(
    department=_dept(side, p), user=getattr(p, f"department_staff_{side}")))
register(MatterCatalogueItem, _item)
register(CatalogueCategory, lambda region, side, tree, p: CatalogueCategory.objects.create(
    item=_item(region, side, tree, p), category=category(["social_affairs", "law_based_governance"][side == "b"])))
register(DepartmentAssignment, _assignment)
register(AssignmentEvent, lambda region, side, tree, p: AssignmentEvent.objects.create(
    assignment=_assignment(region, side, tree, p), kind="routed", to_state="pending"))
register(Supervision, _supervision)
register(Whistle, _whistle)
register(WhistleCall, lambda region, side, tree, p: _whistle(region, side, tree, p).calls.get())
register(UnitSupervisor, _unit_supervisor)


def _stationed(region, side, tree, p):
    """A 第一书记 from side's department in the region's village; the department's staff member is the cadre."""
    cadre, _created = StationedCadre.objects.get_or_create(
        user=getattr(p, f"department_staff_{side}"), village=Region.objects.get(path=region.village_path), state="active",
        defaults=dict(name=f"矩阵驻村{side}", department=_dept(side, p), post=StationedCadre.Post.FIRST_SECRETARY,
                      tasks="矩阵", start_date=timezone.localdate() - dt.timedelta(days=30), stationed_by=p.county_admin))
    return cadre


register(StationedCadre, _stationed)
register(StationedVisit, lambda region, side, tree, p: StationedVisit.objects.create(
    cadre=_stationed(region, side, tree, p), date=timezone.localdate() - dt.timedelta(days=1), work="矩阵走访",
    households_visited=3, logged_by=p.county_admin))

register_pages("department_list", "department_add", "catalogue", "catalogue_add", "assignment_list",
               "supervision_list", "supervision_add", "whistle_list", "whistle_add", "unit_supervisor_list",
               "unit_supervisor_set", "scorecard", "stationed_list", "stationed_add")
register_kwarg("department_staff_add:pk", Department)
register_kwarg("catalogue_edit:pk", MatterCatalogueItem)
register_kwarg("call_acknowledge:pk", WhistleCall)
register_kwarg("call_attendance:pk", WhistleCall)
