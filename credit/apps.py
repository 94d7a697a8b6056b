from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("村级信用")

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        settings.CELERY_BEAT_SCHEDULE["credit-recompute"] = {
            "task": "credit.recompute_grades",
            "schedule": crontab(hour=2, minute=30),
        }
        from governance import villager

        from . import dashboard, exports, panels

        villager.pages("credit:my_credit", "credit:my_consent_add", "credit:consent_revoke", "credit:notice_list",
                       "credit:objection_add", "credit:objection_detail", "credit:standard_list",
                       "credit:standard_detail", "credit:certificate_verify", "credit:certificate_verify_code")

        panels.register()
        from centers import gates as pipeline_gates

        from .gates import party_grade

        pipeline_gates.register(party_grade)  # 入党: the grade read at each step of 村培镇管县备案
        dashboard.register()
        exports.register()
