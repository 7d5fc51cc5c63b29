from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("followup/", views.due, name="due"),
    path("patients/<int:patient_id>/schedule/", views.schedule, name="schedule"),
    path("patients/<int:patient_id>/schedule/create/", views.schedule_make, name="schedule-create"),
    path(
        "patients/<int:patient_id>/schedule/<int:schedule_item_id>/move/",
        views.item_move,
        name="item-move",
    ),
    path(
        "patients/<int:patient_id>/schedule/<int:schedule_item_id>/cancel/",
        views.item_cancel,
        name="item-cancel",
    ),
    path(
        "patients/<int:patient_id>/schedule/<int:schedule_item_id>/held/",
        views.item_held,
        name="item-held",
    ),
]
