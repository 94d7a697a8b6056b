from __future__ import annotations

import datetime as dt

from django.utils import timezone

from departments.models import (
    CatalogueCategory,
    Department,
    DepartmentAssignment,
    DepartmentStaff,
    HandlingLevel,
    MatterCatalogueItem,
)
from grids.models import EscalationLevel
from grids.tests.factories import category, make_issue


def department(code: str, name: str | None = None, staff=()) -> Department:
    dept, _ = Department.objects.get_or_create(code=code, defaults={"name": name or f"测试部门{code}"})
    for user in staff:
        DepartmentStaff.objects.get_or_create(department=dept, user=user)
        if hasattr(user, "_department_ids"):
            del user._department_ids
    return dept


def catalogue_item(dept: Department | None, cat=None, *, level=HandlingLevel.COUNTY, sla_days=7, name=None):
    item = MatterCatalogueItem.objects.create(name=name or f"事项{dept.code if dept else level}", level=level,
                                              department=dept, sla_days=sla_days, plain_description="找主管部门办理")
    if cat is not None:
        CatalogueCategory.objects.create(item=item, category=cat)
    return item


def county_issue(region, *, reporter, cat=None, title="国道边坡塌方"):
    return make_issue(region, reporter=reporter, level=EscalationLevel.COUNTY, cat=cat or category(), title=title,
                      deadline=timezone.now() + dt.timedelta(days=5))


def assignment(issue, dept, *, state="pending", role="lead", lead=None, deadline=None) -> DepartmentAssignment:
    return DepartmentAssignment.objects.create(issue=issue, department=dept, state=state, role=role, lead=lead,
                                               deadline=deadline or timezone.now() + dt.timedelta(days=7))
