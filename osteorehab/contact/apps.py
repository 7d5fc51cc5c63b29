from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "osteorehab.contact"
    verbose_name = _("Follow-ups and messages")
