from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("消息触达")

    def ready(self):
        from django.conf import settings

        from governance import hooks, villager

        from . import actions

        # Every in-portal notice also fans out to SMS / e-mail, in the notifying action's transaction.
        hooks.notice_created.append(actions.notice_fan_out)
        # The sign-in by SMS code (issue #19) is anonymous; a signed-in villager who opens it again is sent on.
        villager.pages("outreach:phone_sign_in", "outreach:phone_sign_in_code")
        # Everyone's own choice of channels per kind of notice (issue #19), staff and villagers alike.
        from governance import navigation as nav

        villager.pages("outreach:preferences")
        nav.register(_("通知接收设置"), "outreach:preferences", roles=(), group=_("消息触达"), order=90)
        settings.CELERY_BEAT_SCHEDULE["outreach-deliver"] = {
            "task": "outreach.deliver_due", "schedule": float(settings.OUTREACH_SWEEP_SECONDS)}
