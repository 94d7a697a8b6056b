from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("三村议事")

    def ready(self):
        from django.conf import settings

        from governance import navigation as nav
        from governance import panels

        from .models import READERS
        from .panels import region_panel, resident_panel

        g = _("三村议事")
        nav.register(_("议题"), "deliberation:topic_list", roles=READERS, group=g, order=60)
        nav.register(_("决议档案"), "deliberation:resolution_list", roles=READERS, group=g, order=61)
        nav.register(_("村民提议"), "deliberation:proposal_list", roles=READERS, group=g, order=63)
        nav.register(_("理事会"), "deliberation:council_list", roles=READERS, group=g, order=62)
        nav.register(_("财务公开"), "deliberation:ledger_month_list", roles=READERS, group=g, order=64)
        nav.register(_("自建自管"), "deliberation:self_build_list", roles=READERS, group=g, order=65)
        from governance import villager

        villager.pages("deliberation:topic_list", "deliberation:topic_detail", "deliberation:topic_vote",
                       "deliberation:topic_vote_change", "deliberation:proposal_list", "deliberation:proposal_add",
                       "deliberation:proposal_detail", "deliberation:proposal_support",
                       "deliberation:topic_comment", "deliberation:resolution_list",
                       "deliberation:council_list", "deliberation:council_detail",
                       "deliberation:resolution_note",  # a villager on a council records supervision
                       "deliberation:ledger_month_list", "deliberation:ledger_month_detail",
                       "deliberation:ledger_question_ask", "deliberation:ledger_question_list",
                       "deliberation:self_build_list", "deliberation:self_build_detail")
        panels.register_region_panel(_("三村议事"), "deliberation/panel_region.html", region_panel, order=60)
        panels.register_resident_panel(_("议事参与"), "deliberation/panel_resident.html", resident_panel, order=60)
        from . import dashboard, exports

        dashboard.register()
        exports.register()
        settings.CELERY_BEAT_SCHEDULE["deliberation-window-ended"] = {
            "task": "deliberation.tasks.window_ended", "schedule": 600.0}
