"""The team records that a student has left (the day, and where to) from its own pages: a
form for the team at the student's school only, the enrollment ended with its history, and
it shows on the student page, the transfer list and the packet."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.models import Enrollment
from support_team.models import TimelineEntry
from support_team.transfers import services
from tests.factories import member


def left_url(student) -> str:
    return reverse("transfers:left", args=[student.pk])


def post_left(client, student, school, **overrides):
    data = {
        "school": school.pk,
        "left_on": timezone.localdate().isoformat(),
        "destination": "Riverbend High School",
    } | overrides
    return client.post(left_url(student), data)


def test_the_student_page_offers_to_record_that_the_student_left(client, sender, record):
    client.force_login(sender["team"])
    html = client.get(reverse("support_team:student", args=[record["student"].pk])).content
    assert left_url(record["student"]).encode() in html
    page = client.get(left_url(record["student"]))
    assert page.status_code == 200
    assert "Where the student went" in page.content.decode()


def test_recording_a_departure_ends_the_enrollment_with_history(client, sender, record):
    student, school = record["student"], sender["school"]
    client.force_login(sender["team"])
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = post_left(client, student, school, left_on=day.isoformat())
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:list") + "#departed"
    enrollment = Enrollment.objects.get(student=student, school=school)
    assert enrollment.end_date == day
    assert enrollment.exit_reason == "Moved to Riverbend High School"
    latest = enrollment.history.first()
    assert latest.end_date == day and latest.history_user == sender["team"]
    entry = TimelineEntry.objects.filter(student=student, title__startswith="Left the school")
    assert entry.get().actor == sender["team"]
    # The transfer list now offers the packet, with where the student went.
    listing = client.get(reverse("transfers:list")).content.decode()
    assert "Start packet for" in listing and "Moved to Riverbend High School" in listing


def test_the_departure_shows_on_the_packet_and_the_next_schools_student_page(
    client, sender, record, receiver
):
    student = record["student"]
    client.force_login(sender["team"])
    post_left(client, student, sender["school"])
    packet = services.packet_draft(student=student, school=sender["school"], by=sender["team"])
    html = client.get(reverse("transfers:detail", args=[packet.pk])).content.decode()
    assert "Moved to Riverbend High School" in html[html.index('id="packet-left"') :]
    # The next school's team, once the roster enrolls the student there, reads it too.
    Enrollment.objects.create(student=student, school=receiver["school"])
    client.force_login(receiver["team"])
    html = client.get(reverse("support_team:student", args=[student.pk])).content.decode()
    history = html[html.index('id="enrollments"') :]
    day = timezone.localdate().strftime("%-d %b %Y")
    assert f"left on {day} (Moved to Riverbend High School)" in history


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"left_on": "2999-01-01"}, "cannot be in the future"),
        ({"left_on": "2020-01-01"}, "before they were enrolled here"),
        ({"destination": "   "}, "This field is required"),
    ],
)
def test_a_bad_departure_is_refused_beside_the_form_and_changes_nothing(
    client, sender, record, overrides, message
):
    client.force_login(sender["team"])
    response = post_left(client, record["student"], sender["school"], **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Enrollment.objects.get(student=record["student"]).end_date is None


def test_only_the_team_at_the_students_school_may_record_it(
    client, sender, record, team_b, school_b
):
    student = record["student"]
    client.force_login(team_b)
    assert client.get(left_url(student)).status_code == 404
    assert post_left(client, student, sender["school"]).status_code == 404
    # A teacher of the school does not use transfer pages at all.
    client.force_login(member("teacher", school=sender["school"]))
    assert client.get(left_url(student)).status_code == 403
    # The team of this school cannot end an enrollment at another school by naming it.
    client.force_login(sender["team"])
    assert post_left(client, student, school_b).status_code == 400
    assert Enrollment.objects.get(student=student).end_date is None
