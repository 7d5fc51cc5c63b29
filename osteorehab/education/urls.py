from django.urls import path

from . import views

app_name = "education"
urlpatterns = [
    path("patients/<int:patient_id>/education/", views.overview, name="overview"),
    path("patients/<int:patient_id>/education/nutrition/", views.nutrition, name="nutrition"),
    path(
        "patients/<int:patient_id>/education/lessons/<slug:code>/",
        views.module_page,
        name="module",
    ),
    path("education/foods/", views.foods, name="foods"),
    path("education/foods/<int:food_id>/", views.food_edit, name="food-edit"),
    path("education/foods/<int:food_id>/retire/", views.food_retire, name="food-retire"),
    path("me/lessons/", views.lessons, name="lessons"),
    path("me/lessons/<slug:code>/", views.lesson, name="lesson"),
    path("me/lessons/<slug:code>/quiz/", views.quiz, name="quiz"),
    path("me/lessons/<slug:code>/result/", views.result, name="result"),
]
