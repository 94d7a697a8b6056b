"""Excel exports of centers/ lists: party members and training attendance (masked, scoped, filtered like the list)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance import exports
from governance.exports import Column, Export
from governance.scoping import COUNTY, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE

from . import selectors
from .filtersets import AttendanceFilterSet, PartyMemberFilterSet
from .models import PartyMember, TrainingLevel


def register() -> None:
    yes_no = {True: _("是"), False: _("否")}
    exports.register(Export(
        key="party_members", title=_("党员名册"), selector=selectors.party_member_list,
        filterset_class=PartyMemberFilterSet, roles=STAFF_ROLES,
        columns=(
            Column(_("姓名"), "resident__name", width=10), Column(_("身份证号"), "resident__id_masked", width=22),
            Column(_("手机号"), "resident__phone_masked", width=14),
            Column(_("所在支部"), "organization__name", width=22),
            Column(_("党员类别"), "membership", dict(PartyMember.Membership.choices), width=10),
            Column(_("入党日期"), "joined_on", width=12), Column(_("在职党员"), "in_service", yes_no, width=8),
            Column(_("工作单位"), "work_unit", width=20), Column(_("所属区域"), "region__name", width=16),
            Column(_("统计代码"), "region__code", width=16), Column(_("在册"), "active", yes_no, width=6),
        ),
    ))
    exports.register(Export(
        key="training_attendance", title=_("培训到课记录"), selector=selectors.attendance_list,
        filterset_class=AttendanceFilterSet, roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE,
        columns=(
            Column(_("课程"), "session__course__title", width=24),
            Column(_("培训层级"), "session__course__level", dict(TrainingLevel.choices), width=12),
            Column(_("日期"), "session__date", width=12), Column(_("举办区域"), "session__region__name", width=14),
            Column(_("地点"), "session__location", width=16),
            Column(_("姓名"), "resident__name", width=10), Column(_("身份证号"), "resident__id_masked", width=22),
            Column(_("所属区域"), "region__name", width=14), Column(_("学时"), "hours", float, width=8),
            Column(_("年度"), "year", width=8),
        ),
    ))
