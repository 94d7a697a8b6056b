from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("党建网格与事件")

    def ready(self):
        from django.conf import settings

        from governance import hooks, navigation, panels
        from governance.scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, Role

        from .actions import grid_create_for_region
        from .selectors import region_panel_context, resident_panel_context

        from .dashboard import register_sections
        from .exports import register_exports

        hooks.region_created.append(grid_create_for_region)
        register_sections()
        register_exports()
        # Short period, no ETA: a missed run is simply picked up by the next one.
        settings.CELERY_BEAT_SCHEDULE["grids-escalate-overdue"] = {
            "task": "grids.tasks.escalate_overdue_issues", "schedule": 300.0,
        }
        group = _("网格与事件")
        navigation.register(_("我的网格"), "grids:my_grid", roles={Role.GRID_LEADER}, group=group, order=10)
        navigation.register(_("我的联系户"), "grids:field_kit", roles={Role.GRID_LEADER}, group=group, order=10)
        navigation.register(_("网格"), "grids:grid_list", roles=STAFF_ROLES, group=group, order=11)
        navigation.register(_("事件办理"), "grids:issue_list", roles=STAFF_ROLES, group=group, order=12)
        navigation.register(_("我的诉求"), "grids:issue_list", roles={Role.RESIDENT}, group=group, order=12)
        navigation.register(_("上报事件"), "grids:issue_report", roles=STAFF_ROLES | {Role.RESIDENT}, group=group, order=13)
        navigation.register(_("走访"), "grids:visit_list", roles=STAFF_ROLES, group=group, order=14)
        navigation.register(_("大事联动"), "grids:major_event_list", roles=STAFF_ROLES, group=group, order=15)
        navigation.register(_("事件总览"), "grids:overview", roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE, group=group, order=16)
        navigation.register(_("办理时限"), "grids:sla_list", roles=MANAGERS, group=group, order=17)
        from governance import villager

        villager.pages("grids:issue_list", "grids:issue_report", "grids:issue_detail", "grids:issue_confirm",
                       "grids:issue_reopen", "grids:issue_comment", "grids:issue_attach")
        panels.register_region_panel(_("网格与事件"), "grids/panel_region.html", region_panel_context, order=30)
        panels.register_resident_panel(_("责任党员与事件"), "grids/panel_resident.html", resident_panel_context, order=30)
