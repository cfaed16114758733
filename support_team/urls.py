from django.urls import path

from support_team import views

app_name = "support_team"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("students/<int:pk>/", views.student_chronology, name="student"),
]
