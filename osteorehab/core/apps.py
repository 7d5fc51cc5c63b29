from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "osteorehab.core"
    verbose_name = "OsteoRehab"
