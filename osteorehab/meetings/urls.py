from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_rebuild, name="rebuild"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="close"),
    path("work/", views.work, name="work"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task-done"),
]
