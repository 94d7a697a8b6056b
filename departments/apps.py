from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("县直部门")

    def ready(self):
        from governance import navigation, villager
        from governance.scoping import COUNTY, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, Role
        from grids import hooks as grid_hooks

        from . import actions
        from .dashboard import register_sections
        from .exports import register_exports

        # An issue the sweep (or a handler) lifts to the county goes to its competent department's inbox;
        # once per sweep, overdue supervisions and unanswered whistles are escalated (set-based, exactly once).
        grid_hooks.county_arrivals.append(actions.route_county_arrivals)
        grid_hooks.sweep_extras.append(actions.sweep_departments)
        register_sections()
        register_exports()
        group = _("县直部门")
        dept = frozenset({Role.DEPARTMENT_STAFF})
        navigation.register(_("部门待办"), "departments:assignment_list", roles=COUNTY | TOWNSHIP | dept, group=group, order=10)
        navigation.register(_("督办"), "departments:supervision_list", roles=COUNTY | TOWNSHIP | dept, group=group, order=11)
        navigation.register(_("吹哨报到"), "departments:whistle_list", roles=COUNTY | TOWNSHIP | dept, group=group, order=12)
        navigation.register(_("县直部门"), "departments:department_list", roles=COUNTY | TOWNSHIP | dept, group=group, order=13)
        navigation.register(_("驻村干部"), "departments:stationed_list", roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE | dept,
                            group=group, order=16)
        navigation.register(_("部门考核"), "departments:scorecard", roles=COUNTY | dept, group=group, order=14)
        navigation.register(_("事项清单"), "departments:catalogue", roles=STAFF_ROLES | dept | {Role.RESIDENT},
                            group=group, order=15)
        villager.pages("departments:catalogue")
