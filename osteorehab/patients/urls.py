from django.urls import path

from . import views

app_name = "patients"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("patients/new/", views.register, name="register"),
    path("patients/<int:patient_id>/", views.record, name="record"),
    path("patients/<int:patient_id>/edit/", views.edit, name="edit"),
    path("patients/<int:patient_id>/fractures/new/", views.fracture_new, name="fracture-new"),
    path("patients/<int:patient_id>/medications/new/", views.medication_new, name="medication-new"),
    path(
        "patients/<int:patient_id>/fractures/<int:fracture_id>/error/",
        views.fracture_retract,
        name="fracture-retract",
    ),
    path(
        "patients/<int:patient_id>/medications/<int:medication_id>/stop/",
        views.medication_stop,
        name="medication-stop",
    ),
    path(
        "patients/<int:patient_id>/medications/<int:medication_id>/refills/new/",
        views.medication_refill,
        name="medication-refill",
    ),
    path(
        "patients/<int:patient_id>/medications/<int:medication_id>/refills/error/",
        views.medication_fill_retract,
        name="medication-fill-retract",
    ),
    path(
        "patients/<int:patient_id>/medications/<int:medication_id>/error/",
        views.medication_retract,
        name="medication-retract",
    ),
    path("patients/<int:patient_id>/consents/new/", views.consent_new, name="consent-new"),
    path("patients/<int:patient_id>/episodes/new/", views.episode_open, name="episode-open"),
    path(
        "patients/<int:patient_id>/episodes/<int:episode_id>/status/",
        views.episode_move,
        name="episode-move",
    ),
    path("patients/<int:patient_id>/care-team/", views.care_team, name="care-team"),
    path("patients/<int:patient_id>/login/", views.patient_login, name="login"),
    path("patients/<int:patient_id>/family/new/", views.caregiver_invite, name="caregiver-invite"),
    path(
        "patients/<int:patient_id>/family/<int:caregiver_id>/",
        views.caregiver_share,
        name="caregiver-share",
    ),
    path(
        "patients/<int:patient_id>/family/<int:caregiver_id>/revoke/",
        views.caregiver_revoke,
        name="caregiver-revoke",
    ),
    path("invitation/<str:token>/", views.invite_accept, name="invite-accept"),
    path("me/", views.me, name="me"),
    path("family/", views.family, name="family"),
]
