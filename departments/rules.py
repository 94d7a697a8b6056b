"""Who may take which step of a department's matters, declared once (governance.rules): the actions check
these on the row they lock, the pages offer exactly the steps they allow.

A department's steps belong to its staff (the DepartmentStaff link); the org department (县委组织部)
keeps oversight and reassigns; the township whose issue it is confirms or returns a reported completion
and records the attendance of a whistle.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance.rules import Rule, Rules
from governance.scoping import COUNTY, TOWNSHIP, Role, region_allows, user_roles

from .models import AssignmentState as S
from .models import DepartmentAssignment, StationedCadre, Supervision, Whistle, WhistleCall


def department_ids(user) -> frozenset[int]:
    """The departments the user works for (cached on the user object; only for the role's holders)."""
    cached = getattr(user, "_department_ids", None)
    if cached is None:
        from .models import DepartmentStaff

        if getattr(user, "is_authenticated", False) and Role.DEPARTMENT_STAFF in user_roles(user):
            cached = frozenset(DepartmentStaff.objects.filter(user=user, department__active=True)
                               .values_list("department_id", flat=True))
        else:
            cached = frozenset()
        user._department_ids = cached
    return cached


def is_county(user, obj=None) -> bool:
    return user.is_superuser or Role.COUNTY_ADMIN in user_roles(user)


def works_for_department(user, obj) -> bool:
    return obj.department_id in department_ids(user)


def leads_it(user, assignment) -> bool:
    return assignment.role == DepartmentAssignment.Role.LEAD and works_for_department(user, assignment)


def township_of_issue(user, assignment) -> bool:
    """The township (or the county above it) whose issue it is."""
    return (assignment.role == DepartmentAssignment.Role.LEAD
            and region_allows(user, assignment.issue.township, TOWNSHIP | COUNTY))


def township_of_whistle(user, obj) -> bool:
    whistle = obj if isinstance(obj, Whistle) else obj.whistle
    return region_allows(user, whistle.township, TOWNSHIP | COUNTY)


_dept = dict(scope=None, who=works_for_department, denial=_("只有承办部门的工作人员可以办理。"))

ASSIGNMENT = Rules(DepartmentAssignment, [
    Rule("accept", _("签收"), states=frozenset({S.PENDING}), state_field="state", url_name="departments:assignment_accept",
         refusal=_("该交办当前为“%(status)s”，不能签收。"), **_dept),
    Rule("report", _("报告办结"), states=frozenset({S.ACCEPTED}), state_field="state", asks=True,
         url_name="departments:assignment_report", refusal=_("该交办当前为“%(status)s”，不能报告办结。"), **_dept),
    Rule("assist", _("商请协办"), states=frozenset({S.ACCEPTED}), state_field="state", asks=True,
         style="outline-primary", url_name="departments:assignment_assist", scope=None, who=leads_it,
         refusal=_("该交办当前为“%(status)s”，不能商请协办。"), denial=_("只有主办部门可以商请其他部门协办。")),
    Rule("hand_back", _("退回"), states=frozenset({S.PENDING, S.ACCEPTED}), state_field="state", asks=True,
         style="outline-danger", url_name="departments:assignment_hand_back",
         refusal=_("该交办当前为“%(status)s”，不能退回。"), **_dept),
    Rule("confirm", _("确认办结"), states=frozenset({S.REPORTED}), state_field="state", scope=None,
         who=township_of_issue, url_name="departments:assignment_confirm",
         refusal=_("该交办当前为“%(status)s”，不能确认。"), denial=_("由事件所在乡镇（街道）确认部门办结。")),
    Rule("return_report", _("不认可，退回重办"), states=frozenset({S.REPORTED}), state_field="state", scope=None,
         who=township_of_issue, asks=True, style="outline-danger", url_name="departments:assignment_return",
         refusal=_("该交办当前为“%(status)s”，不能退回重办。"), denial=_("由事件所在乡镇（街道）确认部门办结。")),
    Rule("reassign", _("改派"), states=frozenset({S.PENDING, S.ACCEPTED, S.HANDED_BACK}), state_field="state",
         scope="change", who=is_county, asks=True, style="outline-secondary", url_name="departments:assignment_reassign",
         refusal=_("该交办当前为“%(status)s”，不能改派。"), denial=_("改派由县委组织部负责。")),
])

SUPERVISION = Rules(Supervision, [
    Rule("close", _("办结销号"), states=frozenset({Supervision.State.OPEN, Supervision.State.ESCALATED}),
         state_field="state", scope="change", who=is_county, asks=True, url_name="departments:supervision_close",
         refusal=_("该督办当前为“%(status)s”，不能销号。"), denial=_("督办由县委组织部销号。")),
])

WHISTLE = Rules(Whistle, [
    Rule("close", _("记录处置结果并办结"), states=frozenset({Whistle.State.OPEN}), state_field="state", scope=None,
         who=township_of_whistle, asks=True, url_name="departments:whistle_close",
         refusal=_("该吹哨当前为“%(status)s”，不能办结。"), denial=_("由吹哨的乡镇（街道）记录处置结果。")),
])

CALL = Rules(WhistleCall, [
    Rule("acknowledge", _("报到响应"), states=frozenset({WhistleCall.State.PENDING, WhistleCall.State.MISSED}),
         state_field="state", asks=True, url_name="departments:call_acknowledge",
         refusal=_("本部门当前为“%(status)s”，不能再响应。"), **_dept),
    Rule("attendance", _("记录到场情况"), states=frozenset({WhistleCall.State.ACKNOWLEDGED, WhistleCall.State.MISSED}),
         state_field="state", scope=None, who=township_of_whistle, asks=True, style="outline-primary",
         url_name="departments:call_attendance", refusal=_("该部门当前为“%(status)s”，不能记录到场情况。"),
         denial=_("由吹哨的乡镇（街道）记录到场情况。")),
])


# --- 驻村干部 -------------------------------------------------------------------------------------------


def stations_in(user, village) -> bool:
    """The county (组织部) for every village, a township for its own villages: who stations and ends terms."""
    return region_allows(user, village, COUNTY | TOWNSHIP)


def manages_term(user, cadre) -> bool:
    return stations_in(user, cadre.village)


def logs_for(user, cadre) -> bool:
    """The cadre themself, or the township (or the county above it) of the village."""
    return (cadre.user_id is not None and cadre.user_id == user.pk) or stations_in(user, cadre.village)


_active = frozenset({StationedCadre.State.ACTIVE})

STATIONED = Rules(StationedCadre, [
    Rule("visit", _("记录驻村工作"), states=_active, state_field="state", scope=None, who=logs_for, asks=True,
         url_name="departments:stationed_visit", refusal=_("该驻村任期当前为“%(status)s”，不能再记录工作。"),
         denial=_("由驻村干部本人或所在乡镇（街道）记录驻村工作。")),
    Rule("end", _("结束任期"), states=_active, state_field="state", scope="change", who=manages_term, asks=True,
         style="outline-danger", url_name="departments:stationed_end",
         refusal=_("该驻村任期当前为“%(status)s”，不能结束。"),
         denial=_("驻村任期由县委组织部或所在乡镇（街道）结束。")),
])
