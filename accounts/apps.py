from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号安全")

    def ready(self):
        from governance import villager

        from . import signals  # noqa: F401  (sign-in, failure and sign-out are recorded)

        # Everyone who signs in has their own account page and the second-factor pages, villagers too.
        villager.pages("accounts:account", "accounts:otp_setup", "accounts:otp_verify", "accounts:recovery_codes")
