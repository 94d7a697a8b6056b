from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("区域与人员")

    def ready(self):
        from . import navigation as nav
        from .scoping import COUNTY, MANAGERS, STAFF_ROLES, Role

        g = _("区域与人员")
        nav.register(_("区域"), "region_list", roles=STAFF_ROLES | {Role.UNIT_STAFF}, group=g, order=10)
        nav.register(_("户"), "household_list", roles=STAFF_ROLES, group=g, order=11)
        nav.register(_("居民"), "resident_list", roles=STAFF_ROLES, group=g, order=12)
        nav.register(_("角色任命"), "role_assignment_list", roles=MANAGERS, group=g, order=13)
        nav.register(_("审计日志"), "audit_list", roles=COUNTY, group=g, order=90)
