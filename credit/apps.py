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
                       "credit:standard_detail")

        panels.register()
        dashboard.register()
        exports.register()
