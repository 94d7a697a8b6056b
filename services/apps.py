from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("订单式服务")

    def ready(self):
        from django.conf import settings

        from governance import navigation as nav
        from governance.scoping import COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, Role

        g = _("订单式服务")
        everyone = ()
        nav.register(_("服务清单（下单）"), "services:menu_list", roles=everyone, group=g, order=10)
        nav.register(_("我的订单"), "services:order_mine", roles=everyone, group=g, order=11)
        nav.register(_("待派单"), "services:order_dispatch_queue", roles=MANAGERS | {Role.VILLAGE_ASSISTANT}, group=g, order=12)
        nav.register(_("本单位订单"), "services:order_inbox", roles={Role.UNIT_STAFF}, group=g, order=13)
        nav.register(_("全部订单"), "services:order_list", roles=STAFF_ROLES | {Role.UNIT_STAFF}, group=g, order=14)
        nav.register(_("订单统计"), "services:services_home", roles=COUNTY | TOWNSHIP | VILLAGE_OFFICE, group=g, order=15)
        nav.register(_("双报到"), "services:reporting", roles=everyone, group=g, order=20)
        from governance import villager

        villager.pages("services:menu_list", "services:order_place", "services:order_mine", "services:order_detail",
                       "services:order_confirm", "services:order_reopen", "services:order_cancel",
                       "services:errand_list", "services:errand_add", "services:errand_detail",
                       "services:reporting", "services:member_report_add",
                       # the village's public works and wishes: notices of their village
                       "services:micro_work_list", "services:micro_work_detail", "services:micro_wish_list",
                       "services:micro_wish_add", "services:micro_wish_confirm")
        g2 = _("微实事与资金")
        nav.register(_("微实事"), "services:micro_work_list", roles=STAFF_ROLES | {Role.UNIT_STAFF}, group=g2, order=30)
        nav.register(_("专项资金"), "services:fund_list", roles=STAFF_ROLES, group=g2, order=31)
        nav.register(_("党群服务中心"), "services:facility_list", roles=STAFF_ROLES, group=g2, order=32)
        nav.register(_("微心愿"), "services:micro_wish_list", roles=STAFF_ROLES | {Role.UNIT_STAFF}, group=g2, order=33)
        nav.register(_("困难群体名册"), "services:hardship_list", roles=MANAGERS | {Role.VILLAGE_ASSISTANT}, group=g2,
                     order=34)
        g3 = _("代办与志愿")
        nav.register(_("全程代办"), "services:errand_list", roles=STAFF_ROLES | {Role.RESIDENT}, group=g3, order=40)
        nav.register(_("志愿服务"), "services:volunteer_team_list", roles=STAFF_ROLES | {Role.UNIT_STAFF}, group=g3, order=41)

        from . import dashboard

        dashboard.register_dashboard()
        dashboard.register_exports()

        from governance.panels import register_region_panel

        from .selectors import region_panel

        register_region_panel(_("订单式服务与微实事"), "services/panels/region.html", region_panel, order=40)

        settings.CELERY_BEAT_SCHEDULE["services-remind-overdue"] = {
            "task": "services.tasks.remind_overdue_orders", "schedule": 15 * 60.0,
        }
