from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("me/reminders/", views.preferences, name="preferences"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_read, name="read"),
]
