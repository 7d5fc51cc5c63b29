from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "osteorehab.accounts"
    verbose_name = _("Accounts and care teams")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the check, connects the receivers)
