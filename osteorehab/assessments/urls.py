from django.urls import path

from osteorehab.accounts.domain import Part
from osteorehab.patients.views import retract_view

from . import self_test, views

app_name = "assessments"
urlpatterns = [
    path("patients/<int:patient_id>/assessments/", views.assessment_list, name="list"),
    path(
        "patients/<int:patient_id>/assessments/new/<slug:code>/",
        views.assessment_new,
        name="new",
    ),
    path(
        "patients/<int:patient_id>/assessments/<int:assessment_id>/",
        views.assessment_detail,
        name="detail",
    ),
    path(
        "patients/<int:patient_id>/assessments/<int:assessment_id>/error/",
        retract_view("assessments", "assessment_id", Part.PROGRESS),
        name="retract",
    ),
    path("patients/<int:patient_id>/profile/", views.profile, name="profile"),
    path("patients/<int:patient_id>/profile/impact/", views.impact_decision, name="impact"),
    path("me/questionnaires/", views.questionnaires, name="questionnaires"),
    path("me/questionnaires/<slug:code>/", views.questionnaire, name="questionnaire"),
    path(
        "me/questionnaires/done/<int:assessment_id>/",
        views.questionnaire_done,
        name="questionnaire-done",
    ),
    path("me/chair-stand/", self_test.chair_stand, name="chair-stand"),
    path("me/chair-stand/practice/", self_test.chair_stand_practice, name="chair-stand-practice"),
    path("me/chair-stand/test/", self_test.chair_stand_test, name="chair-stand-test"),
    path(
        "me/chair-stand/result/<int:assessment_id>/",
        self_test.chair_stand_result,
        name="chair-stand-result",
    ),
]
