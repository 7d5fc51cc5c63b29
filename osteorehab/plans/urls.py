from django.urls import path

from . import library_views, patient_views, views

app_name = "plans"
urlpatterns = [
    path("patients/<int:patient_id>/plan/", views.plan_view, name="plan"),
    path("patients/<int:patient_id>/plan/draft/", views.plan_draft, name="draft"),
    path("patients/<int:patient_id>/plan/add/", views.plan_item_add, name="add"),
    path("patients/<int:patient_id>/plan/remove/", views.plan_item_remove, name="remove"),
    path("patients/<int:patient_id>/plan/approve/", views.plan_approve, name="approve"),
    path("patients/<int:patient_id>/plan/handout.pdf", views.plan_handout, name="handout"),
    path("patients/<int:patient_id>/goals/", views.goals, name="goals"),
    path("patients/<int:patient_id>/goals/new/", views.goal_new, name="goal-new"),
    path("patients/<int:patient_id>/goals/<int:goal_id>/rate/", views.goal_rate, name="goal-rate"),
    path(
        "patients/<int:patient_id>/plan/preset/",
        library_views.plan_preset_apply,
        name="preset-apply",
    ),
    path("library/exercises/", library_views.exercises, name="exercises"),
    path("library/exercises/new/", library_views.exercise_new, name="exercise-new"),
    path("library/exercises/<int:exercise_id>/", library_views.exercise_detail, name="exercise"),
    path(
        "library/exercises/<int:exercise_id>/edit/",
        library_views.exercise_edit,
        name="exercise-edit",
    ),
    path(
        "library/exercises/<int:exercise_id>/retire/",
        library_views.exercise_retire,
        name="exercise-retire",
    ),
    path("library/presets/", library_views.presets, name="presets"),
    path("library/presets/<int:preset_id>/", library_views.preset_detail, name="preset"),
    path("me/goals/", patient_views.my_goals, name="my-goals"),
    path("me/goals/<int:goal_id>/rate/", patient_views.my_goal_rate, name="my-goal-rate"),
]
