"""Excel export of the department inbox (same selector and FilterSet as the page)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance import exports
from governance.exports import Column, Export
from governance.scoping import COUNTY, TOWNSHIP, Role

from . import selectors
from .filtersets import AssignmentFilterSet
from .models import AssignmentState, DepartmentAssignment


def register_exports() -> None:
    exports.register(Export(
        key="department_assignments", title=_("部门交办"), selector=selectors.assignment_list,
        filterset_class=AssignmentFilterSet, roles=COUNTY | TOWNSHIP | {Role.DEPARTMENT_STAFF},
        columns=(
            Column(_("事件编号"), "issue_id", width=8), Column(_("事件标题"), "issue__title", width=24),
            Column(_("乡镇（街道）"), "issue__township__name", width=14), Column(_("村（社区）"), "issue__village__name", width=14),
            Column(_("承办部门"), "department__name", width=14),
            Column(_("承办方式"), "role", dict(DepartmentAssignment.Role.choices), width=8),
            Column(_("状态"), "state", dict(AssignmentState.choices), width=10),
            Column(_("交办时间"), "created_at", width=18), Column(_("办理时限"), "deadline", width=18),
            Column(_("报结时间"), "reported_at", width=18), Column(_("办理结果"), "result", width=30),
        ),
    ))
