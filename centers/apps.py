from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("四大中心与党组织")

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        from governance import hooks
        from governance import navigation as nav
        from governance import panels
        from governance.scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE

        from . import dashboard, exports
        from . import panels as ours
        from .actions import centers_create_for_township

        hooks.region_created.append(centers_create_for_township)

        g = _("中心与党建")
        nav.register(_("中心事项队列"), "centers:work_item_list", roles=COUNTY | TOWNSHIP, group=g, order=20)
        nav.register(_("中心派驻干部"), "centers:assignment_list", roles=COUNTY | TOWNSHIP, group=g, order=21)
        nav.register(_("联片包村"), "centers:cluster_list", roles=COUNTY | TOWNSHIP, group=g, order=22)
        nav.register(_("党组织"), "centers:organization_list", roles=STAFF_ROLES, group=g, order=23)
        nav.register(_("党员"), "centers:member_list", roles=STAFF_ROLES, group=g, order=24)
        nav.register(_("邻里先锋梯队"), "centers:pioneer_list", roles=STAFF_ROLES, group=g, order=25)
        nav.register(_("党员发展"), "centers:candidate_list", roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE, group=g, order=26)
        nav.register(_("后备力量"), "centers:reserve_list", roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE, group=g, order=27)
        nav.register(_("四级培训"), "centers:session_list", roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE, group=g, order=28)
        nav.register(_("两委班子"), "centers:committee_post_list", roles=MANAGERS, group=g, order=29)
        nav.register(_("两考一评"), "centers:rating_list", roles=MANAGERS, group=g, order=30)
        nav.register(_("党建规则设置"), "centers:rules", roles=COUNTY | TOWNSHIP, group=g, order=31)

        panels.register_region_panel(_("四大中心与运行模式"), "centers/panel_township.html", ours.township_panel, order=20)
        panels.register_region_panel(_("村级党建"), "centers/panel_village.html", ours.village_panel, order=20)
        panels.register_region_panel(_("党建概览"), "centers/panel_county.html", ours.county_panel, order=20)

        dashboard.register()
        exports.register()

        settings.CELERY_BEAT_SCHEDULE["centers-check-reserves"] = {
            "task": "centers.tasks.check_reserves", "schedule": crontab(minute=15, hour="*/6")}
