from django.urls import path

from support_team.views import cases, queue

app_name = "support_team"

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/rows/<int:pk>/", queue.queue_row, name="queue_row"),
    path("queue/<int:pk>/claim/", queue.intake_claim, name="claim"),
    path("queue/<int:pk>/release/", queue.intake_release, name="release"),
    path("students/<int:pk>/", queue.student_chronology, name="student"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
]
