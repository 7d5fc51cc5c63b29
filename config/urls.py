from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from osteorehab.accounts.views import language
from osteorehab.api.main import urls as api_urls

# The Django admin (accounts, sites and care teams; no patient records) requires two-factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("osteorehab.core.urls")),
    path("", include("osteorehab.accounts.urls")),
    path("", include("osteorehab.patients.urls")),
    path("", include("osteorehab.audit.urls")),
    path("", include("osteorehab.alerts.urls")),
    path("", include("osteorehab.assessments.urls")),
    path("", include("osteorehab.plans.urls")),
    path("", include("osteorehab.psychology.urls")),
    path("", include("osteorehab.education.urls")),
    path("", include("osteorehab.homesafety.urls")),
    path("", include("osteorehab.logbook.urls")),
    path("", include("osteorehab.contact.urls")),
    path("", include("osteorehab.family.urls")),
    path("", include("osteorehab.reminders.urls")),
    path("", include("osteorehab.rules.urls")),
    path("", include("osteorehab.meetings.urls")),
    path("", include("osteorehab.followup.urls")),
    path("", include("osteorehab.outcomes.urls")),
    path("fhir/R4/", include("osteorehab.fhir.urls")),
    path("", include("osteorehab.api.urls")),
    path("api/", api_urls()),
    path("language/", language, name="set-language"),
    path("admin/", admin.site.urls),
]
