from django.urls import path

from . import views

app_name = "family"
urlpatterns = [
    path("family/guide/", views.guide, name="guide"),
    path("family/join/", views.join, name="join"),
    path("family/<int:patient_id>/", views.person, name="person"),
    path("family/<int:patient_id>/goals/", views.goals, name="goals"),
    path("family/<int:patient_id>/encourage/", views.encourage, name="encourage"),
    path("patients/<int:patient_id>/family/sharing/", views.sharing, name="sharing"),
    path(
        "patients/<int:patient_id>/family/<int:caregiver_id>/code/",
        views.code_new,
        name="code-new",
    ),
    path("me/encouragement/", views.received, name="messages"),
]
