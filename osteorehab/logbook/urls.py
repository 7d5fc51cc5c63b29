from django.urls import path

from . import views

app_name = "logbook"
urlpatterns = [
    # the patient's own, on their phone
    path("me/today/", views.today, name="today"),
    path("me/week/", views.week, name="week"),
    path("me/today/exercises/<slug:code>/", views.exercise, name="exercise"),
    path("me/today/exercises/<slug:code>/log/", views.exercise_log, name="exercise-log"),
    path("me/today/practice/", views.practice, name="practice"),
    path("me/today/lessons/", views.lessons, name="lessons"),
    path("me/check-in/", views.check_in, name="check-in"),
    path("me/check-in/<int:check_in_id>/", views.check_in_done, name="check-in-done"),
    path("me/falls/new/", views.fall_report, name="fall-report"),
    path("me/falls/<int:fall_id>/", views.fall_done, name="fall-done"),
    # the care team's (and a caregiver's with the log shared)
    path("patients/<int:patient_id>/log/", views.overview, name="overview"),
    path(
        "patients/<int:patient_id>/log/exercises/new/", views.enter_exercise, name="enter-exercise"
    ),
    path(
        "patients/<int:patient_id>/log/check-ins/new/", views.enter_check_in, name="enter-check-in"
    ),
    path("patients/<int:patient_id>/log/falls/new/", views.enter_fall, name="enter-fall"),
]
