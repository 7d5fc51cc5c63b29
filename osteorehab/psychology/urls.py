from django.urls import path

from . import views

app_name = "psychology"
urlpatterns = [
    path("patients/<int:patient_id>/psychology/", views.overview, name="overview"),
    path("patients/<int:patient_id>/psychology/new/", views.session_new, name="session-new"),
]
