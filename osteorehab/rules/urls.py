from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("proposals/", views.queue, name="queue"),
    path("patients/<int:patient_id>/proposals/", views.patient_proposals, name="patient"),
    path(
        "patients/<int:patient_id>/proposals/<int:proposal_id>/accept/",
        views.proposal_accept,
        name="accept",
    ),
    path(
        "patients/<int:patient_id>/proposals/<int:proposal_id>/modify/",
        views.proposal_modify,
        name="modify",
    ),
    path(
        "patients/<int:patient_id>/proposals/<int:proposal_id>/reject/",
        views.proposal_reject,
        name="reject",
    ),
]
