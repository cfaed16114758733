from django.urls import path

from support_team import views

app_name = "support_team"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/rows/<int:pk>/", views.queue_row, name="queue_row"),
    path("queue/<int:pk>/claim/", views.intake_claim, name="claim"),
    path("queue/<int:pk>/release/", views.intake_release, name="release"),
    path("students/<int:pk>/", views.student_chronology, name="student"),
]
