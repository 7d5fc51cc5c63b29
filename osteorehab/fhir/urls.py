from django.urls import path

from . import views

app_name = "fhir"
urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path("$export", views.export, name="export"),
    path("$export-status/<str:job_id>", views.export_status, name="export-status"),
    path("$export-file/<str:job_id>/<str:file_name>", views.export_file, name="export-file"),
    path("Patient/<int:patient_id>/$everything", views.everything, name="everything"),
    path("<str:resource_type>", views.search, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.read, name="read"),
]
