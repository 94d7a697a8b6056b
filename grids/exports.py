"""Excel exports of the grid list and the issue list (same selector and FilterSet as the pages)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance import exports
from governance.exports import Column, Export
from governance.scoping import STAFF_ROLES, Role

from . import selectors
from .filtersets import GridFilterSet, IssueFilterSet
from .models import EscalationLevel, IssueStatus, Severity


def register_exports() -> None:
    exports.register(Export(
        key="grids", title=_("网格"), selector=selectors.grid_export_list, filterset_class=GridFilterSet, roles=STAFF_ROLES,
        columns=(
            Column(_("网格"), "region__name", width=16), Column(_("统计代码"), "region__code", width=20),
            Column(_("村（社区）"), "region__parent__name", width=16),
            Column(_("网格长"), "leader__name", width=10), Column(_("网格长手机号"), "leader__phone_masked"),
            Column(_("在岗党员"), "member_count", width=10), Column(_("户数"), "household_count", width=8),
            Column(_("已分配责任户"), "assigned_count", width=12),
            Column(_("未分配责任户"), "unassigned_count", width=12),
            Column(_("未办结事件"), "open_issue_count", width=10),
        ),
    ))
    exports.register(Export(
        key="grid_issues", title=_("事件"), selector=selectors.issue_list, filterset_class=IssueFilterSet,
        roles=STAFF_ROLES | {Role.RESIDENT},
        columns=(
            Column(_("编号"), "id", width=8), Column(_("标题"), "title", width=24),
            Column(_("类别"), "category__name", width=14),
            Column(_("事件分级"), "severity", dict(Severity.choices), width=8),
            Column(_("乡镇（街道）"), "township__name", width=14), Column(_("村（社区）"), "village__name", width=14),
            Column(_("网格"), "region__name", width=14),
            Column(_("当事群众"), "resident__name", width=10), Column(_("联系电话"), "resident__phone_masked"),
            Column(_("当前层级"), "level", dict(EscalationLevel.choices), width=12),
            Column(_("状态"), "status", dict(IssueStatus.choices), width=10),
            Column(_("上报时间"), "created_at", width=18), Column(_("本级办理时限"), "deadline", width=18),
            Column(_("办结时间"), "resolved_at", width=18),
        ),
    ))
