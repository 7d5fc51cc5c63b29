from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PsychologyConfig(AppConfig):
    name = "osteorehab.psychology"
    verbose_name = _("Psychological intervention")
