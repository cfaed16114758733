from django.urls import path

from support_team.views import caseload, cases, intake, queue

app_name = "support_team"

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("queue/", queue.queue, name="queue"),
    path("queue/rows/<int:pk>/", queue.queue_row, name="queue_row"),
    path("queue/<int:pk>/claim/", queue.intake_claim, name="claim"),
    path("queue/<int:pk>/release/", queue.intake_release, name="release"),
    path("queue/<int:pk>/", intake.intake_detail, name="intake"),
    path("queue/<int:pk>/assign/", intake.intake_assign, name="assign"),
    path("queue/<int:pk>/urgency/", intake.intake_urgency, name="set_urgency"),
    path("queue/<int:pk>/case/", intake.intake_case, name="to_case"),
    path("queue/<int:pk>/route/", intake.intake_route, name="route"),
    path("queue/<int:pk>/escalate/", intake.intake_escalate, name="escalate"),
    path("queue/<int:pk>/close/", intake.intake_close, name="close"),
    path("queue/<int:pk>/presence/", intake.intake_presence, name="presence"),
    path("students/<int:pk>/", queue.student_chronology, name="student"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:case_pk>/notes/<int:pk>/", cases.case_note, name="case_note"),
    path("cases/<int:pk>/update/", cases.case_update, name="case_update"),
    path("cases/<int:pk>/team/add/", cases.member_add, name="case_member_add"),
    path("cases/<int:pk>/team/join/", cases.member_join, name="case_member_join"),
    path(
        "cases/<int:pk>/team/<int:user_pk>/remove/",
        cases.member_remove,
        name="case_member_remove",
    ),
    path("cases/<int:pk>/goals/add/", cases.goal_add, name="case_goal_add"),
    path("cases/<int:pk>/goals/<int:goal_pk>/", cases.goal_update, name="case_goal_update"),
    path("cases/<int:pk>/interventions/add/", cases.intervention_add, name="case_intervention_add"),
    path(
        "cases/<int:pk>/interventions/<int:intervention_pk>/",
        cases.intervention_update,
        name="case_intervention_update",
    ),
    path("cases/<int:pk>/notes/add/", cases.note_add, name="case_note_add"),
    path("cases/<int:pk>/meetings/add/", cases.meeting_record, name="case_meeting_add"),
    path("cases/<int:pk>/follow-ups/add/", cases.follow_up_add, name="case_follow_up_add"),
    path(
        "cases/<int:pk>/follow-ups/<int:follow_up_pk>/done/",
        cases.follow_up_done,
        name="case_follow_up_done",
    ),
    path(
        "cases/<int:pk>/follow-ups/<int:follow_up_pk>/cancel/",
        cases.follow_up_cancel,
        name="case_follow_up_cancel",
    ),
    path("cases/<int:pk>/close/", cases.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", cases.case_reopen, name="case_reopen"),
]
