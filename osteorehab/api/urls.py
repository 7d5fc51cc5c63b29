from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("patients/import/", views.upload, name="upload"),
    path("patients/import/patients.csv", views.template, name="template"),
    path("patients/import/<uuid:import_id>/", views.job, name="job"),
]
