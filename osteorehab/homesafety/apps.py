from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeSafetyConfig(AppConfig):
    name = "osteorehab.homesafety"
    verbose_name = _("Home safety")
