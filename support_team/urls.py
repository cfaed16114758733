from django.urls import path

from schoolwell import converters  # noqa: F401  (registers <id:...>)
from support_team.views import caseload, cases, intake, queue

app_name = "support_team"

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("queue/", queue.queue, name="queue"),
    path("queue/rows/<id:pk>/", queue.queue_row, name="queue_row"),
    path("queue/changes/", queue.queue_changes, name="queue_changes"),
    path("queue/<id:pk>/claim/", queue.intake_claim, name="claim"),
    path("queue/<id:pk>/release/", queue.intake_release, name="release"),
    path("queue/<id:pk>/", intake.intake_detail, name="intake"),
    path("queue/<id:pk>/assign/", intake.intake_assign, name="assign"),
    path("queue/<id:pk>/urgency/", intake.intake_urgency, name="set_urgency"),
    path("queue/<id:pk>/case/", intake.intake_case, name="to_case"),
    path("queue/<id:pk>/route/", intake.intake_route, name="route"),
    path("queue/<id:pk>/escalate/", intake.intake_escalate, name="escalate"),
    path("queue/<id:pk>/close/", intake.intake_close, name="close"),
    path("queue/<id:pk>/presence/", intake.intake_presence, name="presence"),
    path("students/<id:pk>/", queue.student_chronology, name="student"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<id:pk>/", cases.case_detail, name="case"),
    path("cases/<id:case_pk>/notes/<id:pk>/", cases.case_note, name="case_note"),
    path("cases/<id:pk>/update/", cases.case_update, name="case_update"),
    path("cases/<id:pk>/team/add/", cases.member_add, name="case_member_add"),
    path("cases/<id:pk>/team/join/", cases.member_join, name="case_member_join"),
    path(
        "cases/<id:pk>/team/<id:user_pk>/remove/",
        cases.member_remove,
        name="case_member_remove",
    ),
    path("cases/<id:pk>/goals/add/", cases.goal_add, name="case_goal_add"),
    path("cases/<id:pk>/goals/<id:goal_pk>/", cases.goal_update, name="case_goal_update"),
    path("cases/<id:pk>/interventions/add/", cases.intervention_add, name="case_intervention_add"),
    path(
        "cases/<id:pk>/interventions/<id:intervention_pk>/",
        cases.intervention_update,
        name="case_intervention_update",
    ),
    path("cases/<id:pk>/notes/add/", cases.note_add, name="case_note_add"),
    path("cases/<id:pk>/meetings/add/", cases.meeting_record, name="case_meeting_add"),
    path("cases/<id:pk>/follow-ups/add/", cases.follow_up_add, name="case_follow_up_add"),
    path(
        "cases/<id:pk>/follow-ups/<id:follow_up_pk>/done/",
        cases.follow_up_done,
        name="case_follow_up_done",
    ),
    path(
        "cases/<id:pk>/follow-ups/<id:follow_up_pk>/cancel/",
        cases.follow_up_cancel,
        name="case_follow_up_cancel",
    ),
    path("cases/<id:pk>/close/", cases.case_close, name="case_close"),
    path("cases/<id:pk>/reopen/", cases.case_reopen, name="case_reopen"),
]
