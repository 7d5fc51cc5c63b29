from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "osteorehab.meetings"
    verbose_name = _("Case meetings and tasks")
