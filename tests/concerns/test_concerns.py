import datetime
import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern
from concerns.services import concern_create, concern_intake, observation_add
from schoolwell.models import AccessLog, Category, Role
from support_team.models import Intake, TimelineEntry
from support_team.services import intake_add_information
from tests.factories import enrolled_student, member

SENTINEL = "Zyxwv-sentinel-narrative"


def form_data(student, **overrides):
    data = {
        "student": student.pk,
        "categories": [Category.objects.get(slug="attendance").pk],
        "severity": "moderate",
        "narrative": f"What I saw: {SENTINEL}",
        "observed_on": "2026-11-20",
        "observed_place": "Room 12",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def make_concern(teacher, school, student, **overrides):
    fields = dict(
        reporter=teacher,
        school=school,
        student=student,
        categories=[Category.objects.get(slug="attendance")],
        severity="low",
        narrative=SENTINEL,
        observed_on=datetime.date(2026, 11, 20),
        idempotency_key=uuid.uuid4(),
    )
    fields.update(overrides)
    return concern_create(**fields)[0]


@pytest.mark.django_db
def test_a_teacher_logs_a_concern_and_the_queue_gets_it(client, teacher_a, student_a, school_a):
    client.force_login(teacher_a)
    response = client.post(reverse("concerns:new"), form_data(student_a))
    assert response["Location"] == reverse("concerns:mine")
    concern = Concern.objects.get()
    intake = concern_intake(concern)
    assert (intake.school, intake.student, intake.urgency) == (
        school_a,
        student_a,
        Intake.Urgency.NORMAL,
    )
    assert SENTINEL not in intake.summary
    entry = TimelineEntry.objects.get()
    assert entry.link == reverse("concerns:detail", args=[concern.pk])
    assert SENTINEL not in entry.title
    page = client.get(reverse("concerns:mine")).content.decode()
    assert "Received" in page


@pytest.mark.django_db
def test_a_teacher_cannot_pick_a_student_of_another_school(client, teacher_a, student_b):
    client.force_login(teacher_a)
    response = client.post(reverse("concerns:new"), form_data(student_b))
    assert response.status_code == 200
    assert "Choose a student from your school." in response.content.decode()
    assert not Concern.objects.exists()
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_a_teacher_cannot_open_another_teachers_concern(client, teacher_a, school_a, student_a):
    other = member(Role.TEACHER, school=school_a)
    concern = make_concern(other, school_a, student_a)
    client.force_login(teacher_a)
    assert client.get(reverse("concerns:detail", args=[concern.pk])).status_code == 404
    assert client.get(reverse("concerns:urgent", args=[concern.pk])).status_code == 404
    response = client.post(reverse("concerns:observe", args=[concern.pk]), {"text": "x"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_double_submit_with_the_same_key_creates_one_concern(client, teacher_a, student_a):
    client.force_login(teacher_a)
    data = form_data(student_a)
    client.post(reverse("concerns:new"), data)
    client.post(reverse("concerns:new"), data)
    assert Concern.objects.count() == 1
    assert Intake.objects.count() == 1


@pytest.mark.django_db
def test_an_urgent_concern_alerts_the_leads_without_naming_the_student(
    client, teacher_a, school_a, student_a, django_capture_on_commit_callbacks
):
    lead = member(Role.SAFEGUARDING_LEAD, school=school_a, first_name="Lena", last_name="Lead")
    client.force_login(teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("concerns:new"), form_data(student_a, immediate_risk="on"))
    concern = Concern.objects.get()
    assert response["Location"] == reverse("concerns:urgent", args=[concern.pk])
    assert concern_intake(concern).urgency == Intake.Urgency.URGENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead.email]
    text = message.subject + message.body
    assert school_a.name in text
    for secret in (
        SENTINEL,
        student_a.legal_first_name,
        student_a.legal_last_name,
        student_a.sis_id,
    ):
        assert secret not in text
    page = client.get(response["Location"]).content.decode()
    assert "Lena Lead" in page
    assert school_a.safeguarding_phone in page


@pytest.mark.django_db
def test_self_harm_and_abuse_are_always_urgent(teacher_a, school_a, student_a):
    for slug in ("self-harm", "abuse-neglect"):
        concern = make_concern(
            teacher_a,
            school_a,
            student_a,
            categories=[Category.objects.get(slug=slug)],
            severity="low",
        )
        assert concern_intake(concern).urgency == Intake.Urgency.URGENT
    high = make_concern(teacher_a, school_a, student_a, severity="high")
    assert concern_intake(high).urgency == Intake.Urgency.HIGH


@pytest.mark.django_db
def test_the_history_of_a_concern_shows_every_change(teacher_a, school_a, student_a):
    concern = make_concern(teacher_a, school_a, student_a)
    concern.observed_place = "Playground"
    concern.save()
    concern.categories.add(Category.objects.get(slug="bullying"))
    places = [h.observed_place for h in concern.history.order_by("history_id")]
    assert places[0] == "" and "Playground" in places
    assert concern.history.count() >= 3  # created, edited, category added


@pytest.mark.django_db
def test_the_teacher_sees_each_status_with_its_date_and_nothing_more(
    client, teacher_a, school_a, student_a
):
    concern = make_concern(teacher_a, school_a, student_a)
    intake = concern_intake(concern)
    intake.status = Intake.Status.CLAIMED
    intake.save()
    intake.status = Intake.Status.CLOSED
    intake.summary = "Team outcome: referred to counseling"
    intake.save()
    client.force_login(teacher_a)
    page = client.get(reverse("concerns:mine")).content.decode()
    trail = page[page.index('class="status-trail"') :]
    reviewed = trail.index("Reviewed and closed by the support team")  # no reason recorded
    assert trail.index("Received") < trail.index("Being looked at") < reviewed
    assert "Team outcome" not in page
    assert (
        "Team outcome"
        not in client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    )


@pytest.mark.django_db
def test_a_later_observation_reaches_the_same_intake_and_reopens_it(
    client, teacher_a, school_a, student_a
):
    concern = make_concern(teacher_a, school_a, student_a)
    intake = concern_intake(concern)
    Intake.objects.filter(pk=intake.pk).update(
        status=Intake.Status.CLOSED,
        closed_reason="no_action",
        closed_note="Spoke to the student",
        closed_at=timezone.now(),
    )
    client.force_login(teacher_a)
    response = client.post(
        reverse("concerns:observe", args=[concern.pk]), {"text": "Crying again today"}
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == Intake.Status.NEW
    assert (intake.closed_at, intake.closed_reason, intake.closed_note) == (None, "", "")
    assert intake.version == 2
    assert concern.observations.get().text == "Crying again today"
    assert TimelineEntry.objects.filter(source="observation").exists()


@pytest.mark.django_db
def test_only_the_reporter_adds_observations(team_a, teacher_a, school_a, student_a):
    from django.core.exceptions import ValidationError

    concern = make_concern(teacher_a, school_a, student_a)
    with pytest.raises(ValidationError):
        observation_add(concern=concern, author=team_a, text="x")
    intake_add_information(intake=concern_intake(concern))  # the hub side works on its own


@pytest.mark.django_db
def test_without_javascript_the_search_button_finds_students(client, teacher_a, school_a):
    student = enrolled_student(school_a, legal_first_name="Marisol", legal_last_name="Quintero")
    client.force_login(teacher_a)
    response = client.post(
        reverse("concerns:new"), {"q": "Quint", "search": "1", "narrative": "kept"}
    )
    page = response.content.decode()
    assert f'value="{student.pk}"' in page
    assert "kept" in page  # what was typed so far stays
    assert not Concern.objects.exists()


@pytest.mark.django_db
def test_the_live_search_returns_only_the_teachers_school(client, teacher_a, school_a, school_b):
    mine = enrolled_student(school_a, legal_last_name="Okafor")
    enrolled_student(school_b, legal_last_name="Okafor")
    client.force_login(teacher_a)
    page = client.get(reverse("concerns:student_search"), {"q": "okaf"}).content.decode()
    assert page.count('type="radio"') == 1
    assert f'value="{mine.pk}"' in page
    assert "<html" not in page  # only the partial


@pytest.mark.django_db
def test_the_form_can_start_from_a_chosen_student(client, teacher_a, student_a):
    client.force_login(teacher_a)
    page = client.get(reverse("concerns:new"), {"student": student_a.pk}).content.decode()
    assert f'value="{student_a.pk}" checked' in page


@pytest.mark.django_db
def test_reading_the_chronology_writes_an_access_log_row(
    client, team_a, teacher_a, school_a, student_a
):
    make_concern(teacher_a, school_a, student_a)
    make_concern(teacher_a, school_a, student_a, categories=[Category.objects.get(slug="bullying")])
    client.force_login(team_a)
    response = client.get(reverse("support_team:student", args=[student_a.pk]))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 2
    log = AccessLog.objects.get()
    assert (log.user, log.student, log.reason) == (team_a, student_a, "chronology")
    filtered = client.get(
        reverse("support_team:student", args=[student_a.pk]), {"category": "bullying"}
    )
    assert len(filtered.context["entries"]) == 1


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_form_search_and_my_concerns_run_constant_queries(client, teacher_a, school_a):
    client.force_login(teacher_a)
    first = enrolled_student(school_a, legal_last_name="Constant")
    make_concern(teacher_a, school_a, first)
    client.get(reverse("concerns:mine"))  # the first visit creates the "seen" row
    counts_one = [
        count_queries(client, reverse("concerns:new"), {"q": "Const"}),
        count_queries(client, reverse("concerns:student_search"), {"q": "Const"}),
        count_queries(client, reverse("concerns:mine")),
    ]
    for _ in range(199):
        student = enrolled_student(school_a, legal_last_name="Constant")
        make_concern(teacher_a, school_a, student)
    counts_many = [
        count_queries(client, reverse("concerns:new"), {"q": "Const"}),
        count_queries(client, reverse("concerns:student_search"), {"q": "Const"}),
        count_queries(client, reverse("concerns:mine")),
    ]
    assert counts_one == counts_many


@pytest.mark.django_db
def test_the_teacher_is_told_when_a_concern_is_picked_up(client, teacher_a, school_a, student_a):
    concern = make_concern(teacher_a, school_a, student_a)
    client.force_login(teacher_a)
    client.get(reverse("concerns:mine"))  # seen: nothing new
    assert "1 update" not in client.get(reverse("concerns:new")).content.decode()
    intake = concern_intake(concern)
    intake.status = Intake.Status.CLAIMED
    intake.save()
    assert "1 update" in client.get(reverse("concerns:new")).content.decode()
    client.get(reverse("concerns:mine"))
    assert "1 update" not in client.get(reverse("concerns:new")).content.decode()


@pytest.mark.django_db
def test_the_no_javascript_search_keeps_every_ticked_category_and_the_chosen_student(
    client, teacher_a, student_a
):
    client.force_login(teacher_a)
    ticked = list(
        Category.objects.filter(slug__in=["attendance", "bullying"]).values_list("pk", flat=True)
    )
    response = client.post(
        reverse("concerns:new"),
        {"q": "zz", "search": "1", "student": student_a.pk, "categories": ticked},
    )
    page = response.content.decode()
    assert f'value="{student_a.pk}" checked' in page
    for pk in ticked:
        assert re.search(rf'name="categories" value="{pk}"[^>]*checked', page), pk


@pytest.mark.django_db
def test_a_deactivated_lead_is_neither_alerted_nor_named(
    client, teacher_a, school_a, student_a, django_capture_on_commit_callbacks
):
    member(Role.SAFEGUARDING_LEAD, school=school_a, first_name="Lena", last_name="Lead")
    gone = member(Role.SAFEGUARDING_LEAD, school=school_a, first_name="Olga", last_name="Gone")
    gone.is_active = False
    gone.save()
    client.force_login(teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("concerns:new"), form_data(student_a, immediate_risk="on"))
    page = client.get(response["Location"]).content.decode()
    assert "Lena Lead" in page and "Olga Gone" not in page
    assert len(mail.outbox) == 1
    assert gone.email not in mail.outbox[0].to
