from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("patients/<int:patient_id>/progress/", views.patient_progress, name="progress"),
    path(
        "patients/<int:patient_id>/progress/report.pdf",
        views.patient_report,
        name="patient-report",
    ),
    path(
        "patients/<int:patient_id>/progress/clinical-report.pdf",
        views.clinician_report,
        name="clinician-report",
    ),
    path("me/progress/", views.my_progress, name="my-progress"),
    path("outcomes/", views.dashboard, name="dashboard"),
    path("outcomes/analysis.csv", views.export, name="export"),
]
