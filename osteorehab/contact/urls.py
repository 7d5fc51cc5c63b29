from django.urls import path

from . import views

app_name = "contact"
urlpatterns = [
    path("follow-ups/", views.follow_ups_due, name="follow-ups-due"),
    path("patients/<int:patient_id>/follow-ups/", views.follow_ups, name="follow-ups"),
    path(
        "patients/<int:patient_id>/follow-ups/<int:follow_up_id>/complete/",
        views.follow_up_complete,
        name="follow-up-complete",
    ),
    path(
        "patients/<int:patient_id>/follow-ups/<int:follow_up_id>/cancel/",
        views.follow_up_cancel,
        name="follow-up-cancel",
    ),
    path(
        "patients/<int:patient_id>/follow-ups/<int:follow_up_id>/missed/",
        views.follow_up_missed,
        name="follow-up-missed",
    ),
    path("me/follow-ups/", views.my_follow_ups, name="my-follow-ups"),
    path("inbox/", views.inbox, name="inbox"),
    path("patients/<int:patient_id>/messages/", views.threads, name="threads"),
    path("patients/<int:patient_id>/messages/new/", views.thread_new, name="thread-new"),
    path("patients/<int:patient_id>/messages/<int:thread_id>/", views.thread, name="thread"),
    path("me/messages/", views.my_messages, name="my-messages"),
]
