from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("四大中心与党组织")

    def ready(self):
        from governance import hooks

        from .actions import centers_create_for_township

        hooks.region_created.append(centers_create_for_township)
