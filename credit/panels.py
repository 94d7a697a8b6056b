"""What credit/ contributes to the core's pages and menu (registered in CreditConfig.ready())."""
from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from governance import navigation
from governance.models import Region
from governance.panels import register_region_panel, register_resident_panel
from governance.scoping import ADMINISTRATORS, COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, Role, user_roles

from .models import CreditRecord, Grade, ResidentCredit


def resident_panel(*, user, resident):
    """Each criterion's score and the records behind it, on the resident's page."""
    from . import selectors
    from .scoring import explain

    roles = user_roles(user)
    if not (roles & STAFF_ROLES or user.is_superuser or resident.user_id == user.pk):
        return None
    credit = (ResidentCredit.objects.restrict(user, "view").filter(resident=resident)
              .select_related("effective_standard").first())
    return {"resident": resident, "credit": credit, "explanation": explain(resident),
            "household_grade": selectors.household_grade(household=resident.household,
                                                         standard=credit.effective_standard if credit else None),
            "can_add": bool(roles & CreditRecord.scope_spec.roles_for("add"))}


def region_panel(*, user, region: Region):
    if not (user_roles(user) & STAFF_ROLES) and not user.is_superuser:
        return None
    qs = ResidentCredit.objects.restrict(user, "view").filter(
        resident__region__in=Region.objects.filter(path__startswith=region.path).values("pk"))
    effective = dict(qs.exclude(effective_grade="").values_list("effective_grade").annotate(n=Count("pk")))
    computed = dict(qs.values_list("grade").annotate(n=Count("pk")))
    return {"rows": [{"grade": g, "effective": effective.get(g, 0), "computed": computed.get(g, 0)} for g in Grade.values]}


def register() -> None:
    group = _("村级信用")
    everyone_staff = STAFF_ROLES
    navigation.register(_("我的信用"), "credit:my_credit", roles={Role.RESIDENT}, group=group, order=300)
    navigation.register(_("评议公示"), "credit:notice_list", roles=set(Role.values) - ADMINISTRATORS, group=group,
                        order=301)
    navigation.register(_("居民信用等级"), "credit:grade_list", roles=everyone_staff, group=group, order=302)
    navigation.register(_("信用信息采集"), "credit:record_list", roles=everyone_staff, group=group, order=302)
    navigation.register(_("等级评议"), "credit:review_list", roles=MANAGERS | {Role.VILLAGE_ASSISTANT, Role.GRID_LEADER},
                        group=group, order=303)
    navigation.register(_("异议处理"), "credit:objection_list", roles=MANAGERS | {Role.VILLAGE_ASSISTANT}, group=group,
                        order=304)
    navigation.register(_("等级查询"), "credit:check_list", roles=MANAGERS | {Role.VILLAGE_ASSISTANT, Role.UNIT_STAFF},
                        group=group, order=305)
    navigation.register(_("信用等级证明"), "credit:certificate_list",
                        roles=MANAGERS | {Role.VILLAGE_ASSISTANT, Role.UNIT_STAFF}, group=group, order=305)
    navigation.register(_("查询授权"), "credit:consent_list", roles=VILLAGE_OFFICE | TOWNSHIP | COUNTY, group=group,
                        order=306)
    navigation.register(_("家嫂名册"), "credit:worker_list", roles=MANAGERS | {Role.VILLAGE_ASSISTANT}, group=group,
                        order=307)
    navigation.register(_("信用标准"), "credit:standard_list", roles=STAFF_ROLES, group=group, order=308)
    register_resident_panel(_("信用（信用七条）"), "credit/panel_resident.html", resident_panel, order=50)
    register_region_panel(_("信用等级分布"), "credit/panel_region.html", region_panel, order=50)
