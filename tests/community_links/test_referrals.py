"""Referrals from a case: consent, the don't-contact-home flag, disclosure, chronology; every
status change shows in the case panel with who made it; the no-response clocks."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from community_links.models import Referral, ReferralUpdate
from community_links.selectors.referrals import caseload_referrals
from community_links.services.referrals import referral_send, referral_status_change
from community_links.tasks import referral_clocks
from schoolwell.models import Disclosure, Holiday
from support_team.models import TimelineEntry
from tests.community_links.helpers import open_case, partner_for, resource
from tests.factories import GuardianFactory


def send(case, lead, resources, **kw):
    values = {"consent_by": "family", "consent_name": "Maria Lopez"} | kw
    return referral_send(case=case, resources=resources, by=lead, **values)


def test_sending_writes_a_disclosure_a_chronology_line_and_a_first_step(
    school_a, categories, django_capture_on_commit_callbacks
):
    case, lead = open_case(school_a)
    pantry, clinic = resource(name="Pantry"), resource(name="Clinic", need="health")
    with django_capture_on_commit_callbacks(execute=True):
        made = send(
            case, lead, [pantry, clinic], need=categories["food-insecurity"], note="Weekend food"
        )
    assert len(made) == 2
    disclosures = Disclosure.objects.filter(student=case.student)
    assert disclosures.count() == 2
    first = disclosures.get(recipient__startswith="Pantry Org")
    assert "student's name" in first.contents and "need: Food insecurity" in first.contents
    assert first.consent == "The family (parent or guardian): Maria Lopez"
    assert TimelineEntry.objects.filter(student=case.student, source="referral").count() == 2
    assert [u.status for u in made[0].updates.all()] == ["sent"]
    assert made[0].updates.get().by == lead
    # No partner accounts: each organisation is e-mailed a signed link, with no student name.
    assert len(mail.outbox) == 2
    assert case.student.legal_last_name not in mail.outbox[0].body
    assert "/partners/link/" in mail.outbox[0].body


def test_a_disclosure_cannot_be_deleted_while_the_student_exists(school_a):
    from django.db.models import ProtectedError

    case, lead = open_case(school_a)
    send(case, lead, [resource()])
    with pytest.raises(ProtectedError):
        Disclosure.objects.filter(student=case.student).delete()


def test_a_young_student_cannot_consent_alone(school_a):
    case, lead = open_case(school_a)
    case.student.date_of_birth = timezone.localdate() - datetime.timedelta(days=365 * 11)
    case.student.save()
    with pytest.raises(ValidationError) as info:
        send(case, lead, [resource()], consent_by="student", consent_name="Sam")
    assert "consent_by" in info.value.error_dict
    case.student.date_of_birth = timezone.localdate() - datetime.timedelta(days=365 * 16)
    case.student.save()
    assert send(case, lead, [resource(name="Other")], consent_by="student", consent_name="Sam")


def test_do_not_contact_home_must_be_confirmed_before_the_family_is_contacted(school_a):
    case, lead = open_case(school_a)
    guardian = GuardianFactory(do_not_contact=True)
    guardian.students.add(case.student)
    pantry = resource()
    with pytest.raises(ValidationError) as info:
        send(case, lead, [pantry], contacts_family=True)
    assert "do_not_contact_checked" in info.value.error_dict
    assert not Referral.objects.exists()
    assert send(case, lead, [pantry], contacts_family=True, do_not_contact_checked=True)


def test_referral_form_shows_the_do_not_contact_flag_before_sending(client, school_a):
    case, lead = open_case(school_a)
    guardian = GuardianFactory(do_not_contact=True, first_name="Robin")
    guardian.students.add(case.student)
    pantry = resource()
    client.force_login(lead)
    url = reverse("community_links:referral_new", args=[case.pk]) + f"?resource={pantry.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert "Don&#x27;t contact home" in response.text or "Don't contact home" in response.text
    assert "Robin" in response.text


def test_referral_form_sends_and_returns_to_the_case(client, school_a, categories):
    case, lead = open_case(school_a)
    pantry = resource()
    client.force_login(lead)
    url = reverse("community_links:referral_new", args=[case.pk])
    response = client.post(
        url,
        {
            "resources": [pantry.pk],
            "need": categories["food-insecurity"].pk,
            "consent_by": "family",
            "consent_name": "Maria Lopez",
            "share_name": "on",
            "share_need": "on",
            "note": "Needs weekend food",
        },
    )
    assert response.status_code == 302, response.content
    assert response["Location"].endswith(f"/team/cases/{case.pk}/#referrals")
    assert Referral.objects.get().resource == pantry


def test_referral_form_with_garbage_changes_nothing(client, school_a):
    case, lead = open_case(school_a)
    client.force_login(lead)
    url = reverse("community_links:referral_new", args=[case.pk])
    response = client.post(url, {"resources": ["x", "999999"], "consent_by": "nobody"})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_status_changes_show_in_the_case_panel_with_who_made_them(client, school_a):
    case, lead = open_case(school_a)
    pantry = resource()
    (referral,) = send(case, lead, [pantry])
    partner = partner_for(pantry.organization, school_a.district)
    referral_status_change(referral=referral, status="accepted", by=partner, via="portal")
    referral_status_change(
        referral=referral, status="got_help", note="Picked up food", by=partner, via="portal"
    )
    referral.refresh_from_db()
    assert referral.status == "got_help" and referral.responded_at is not None
    assert referral.history.count() >= 3
    client.force_login(lead)
    panel = client.get(reverse("community_links:case_referrals", args=[case.pk])).text
    assert "<html" not in panel
    assert "Accepted (pending)" in panel and "Got help" in panel and "Picked up food" in panel
    assert f"{partner} (Family Food Pantry Org)" in panel
    titles = list(
        TimelineEntry.objects.filter(student=case.student, source="referral").values_list(
            "title", flat=True
        )
    )
    assert any("Got help" in t for t in titles)


def test_partners_cannot_withdraw_and_must_say_something(school_a):
    case, lead = open_case(school_a)
    (referral,) = send(case, lead, [resource()])
    with pytest.raises(ValidationError):
        referral_status_change(referral=referral, status="withdrawn", by=None, via="link")
    with pytest.raises(ValidationError):
        referral_status_change(referral=referral, status="sent", by=lead, via="team")
    referral_status_change(referral=referral, status="withdrawn", by=lead, via="team")
    assert ReferralUpdate.objects.filter(referral=referral, status="withdrawn", by=lead).exists()


@pytest.mark.parametrize("size", [1, 15])
def test_case_panel_query_count_is_constant(client, school_a, django_assert_num_queries, size):
    case, lead = open_case(school_a)
    for n in range(size):
        (referral,) = send(case, lead, [resource(name=f"R{n}")])
        referral_status_change(referral=referral, status="accepted", by=lead, via="team")
    client.force_login(lead)
    url = reverse("community_links:case_referrals", args=[case.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_CASE_PANEL):
        assert client.get(url).status_code == 200


QUERIES_CASE_PANEL = (
    8  # a session in use is written at most once a minute (schoolwell.middleware.session_touch)
)


def test_no_answer_is_flagged_after_two_school_days_and_escalated_after_five(school_a):
    case, lead = open_case(school_a)
    (referral,) = send(case, lead, [resource()])
    monday = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    Referral.objects.filter(pk=referral.pk).update(sent_at=monday)
    assert caseload_referrals(user=lead, now=monday + datetime.timedelta(days=1)) == []
    waiting = caseload_referrals(user=lead, now=monday + datetime.timedelta(days=2, hours=1))
    assert [(w.flagged, w.escalated) for w in waiting] == [(True, False)]
    # A holiday on Tuesday pushes the clock by a day.
    Holiday.objects.create(
        district=school_a.district, date=datetime.date(2026, 3, 3), name="Closed"
    )
    assert caseload_referrals(user=lead, now=monday + datetime.timedelta(days=2, hours=1)) == []
    later = monday + datetime.timedelta(days=8, hours=1)  # next Tuesday: 5 school days less 1
    assert caseload_referrals(user=lead, now=later)[0].escalated
    done = referral_clocks(now=later)
    assert done == {"flagged": 0, "escalated": 1}
    assert referral_clocks(now=later) == {"flagged": 0, "escalated": 0}
    referral.refresh_from_db()
    assert referral.escalated_at is not None


def test_an_answer_stops_the_clock(school_a):
    case, lead = open_case(school_a)
    (referral,) = send(case, lead, [resource()])
    referral_status_change(referral=referral, status="accepted", by=None, via="link")
    later = timezone.now() + datetime.timedelta(days=14)
    assert caseload_referrals(user=lead, now=later) == []


@pytest.mark.parametrize("size", [1, 12])
def test_caseload_panel_query_count_is_constant(client, school_a, django_assert_num_queries, size):
    case, lead = open_case(school_a)
    for n in range(size):
        send(case, lead, [resource(name=f"R{n}")])
    Referral.objects.update(sent_at=timezone.now() - datetime.timedelta(days=10))
    client.force_login(lead)
    url = reverse("community_links:caseload_referrals")
    client.get(url)
    with django_assert_num_queries(QUERIES_CASELOAD_PANEL):
        response = client.get(url)
    assert response.text.count("Escalated") == size


QUERIES_CASELOAD_PANEL = (
    7  # a session in use is written at most once a minute (schoolwell.middleware.session_touch)
)
