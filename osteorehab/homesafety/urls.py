from django.urls import path

from . import views

app_name = "homesafety"
urlpatterns = [
    path("patients/<int:patient_id>/home-safety/", views.overview, name="overview"),
    path("patients/<int:patient_id>/home-safety/check/", views.check, name="check"),
    path(
        "patients/<int:patient_id>/home-safety/actions/<int:action_id>/done/",
        views.action_done,
        name="action-done",
    ),
]
