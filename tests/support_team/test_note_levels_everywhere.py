"""A note's confidentiality level follows its body to every place it can surface at its own
school: the case page, the note's URL, the chronology, e-mail, search and both admins. Below
its level a reader learns a note exists ("a health-only note, not shown at your level") and
never reads its text. The transfer packet's page, PDF and sealed file are in
tests/transfers/test_note_levels.py; docs/security.md lists every place and its test."""

import contextlib
import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from schoolwell.models import Role
from support_team.models import Intake, Note
from support_team.services import intake_open
from support_team.services.cases import follow_up_add
from support_team.transfers.models import TransferPacket
from tests.factories import UserFactory, member
from tests.support_team.note_world import (
    BODIES,
    CAN_READ,
    CASE_READERS,
    MARK,
    SEARCH_WORD,
    assert_shown_at_level,
    note_world,
)


@pytest.fixture
def w(school_a):
    return note_world(school_a)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", CASE_READERS)
def test_the_case_page_shows_each_note_body_only_at_its_level_and_that_the_rest_exist(
    client, w, reader
):
    response = get(client, getattr(w, reader), reverse("support_team:case", args=[w.case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert_shown_at_level(html, CAN_READ[reader])
    for note in w.notes.values():  # every note is listed, readable or not
        assert f'id="note-{note.pk}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("reader", CASE_READERS)
def test_a_withheld_note_on_the_case_page_has_no_link_to_its_url(client, w, reader):
    html = get(
        client, getattr(w, reader), reverse("support_team:case", args=[w.case.pk])
    ).content.decode()
    for level, note in w.notes.items():
        link = reverse("support_team:case_note", args=[w.case.pk, note.pk])
        assert (link in html) is (level in CAN_READ[reader]), level


@pytest.mark.django_db
@pytest.mark.parametrize("reader", CASE_READERS)
@pytest.mark.parametrize("level", list(Note.Level.values))
def test_the_notes_own_url_answers_only_at_its_level(client, w, reader, level):
    note = w.notes[level]
    url = reverse("support_team:case_note", args=[w.case.pk, note.pk])
    response = get(client, getattr(w, reader), url)
    readable = level in CAN_READ[reader]
    assert response.status_code == (200 if readable else 404)
    assert (BODIES[level] in response.content.decode()) is readable


@pytest.mark.django_db
@pytest.mark.parametrize("reader", CASE_READERS)
def test_the_chronology_says_a_note_was_added_and_never_quotes_one(client, w, reader):
    response = get(client, getattr(w, reader), reverse("support_team:student", args=[w.student.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Note added to the case") == len(w.notes)
    assert MARK not in html and SEARCH_WORD not in html


@pytest.mark.django_db
def test_no_e_mail_carries_a_note_body(w, django_capture_on_commit_callbacks):
    """Every mail a case or a packet can send, with notes at every level on the record."""
    from support_team.services import safeguarding_alert
    from support_team.services.digest import digest_send_all
    from support_team.services.escalation import escalate_unclaimed_urgent
    from support_team.transfers import clock
    from support_team.transfers.services import (
        packet_approve,
        packet_draft,
        packet_include_notes,
        packet_send_within_district,
    )

    member(Role.SCHOOL_ADMIN, school=w.school)
    w.student.mckinney_vento = True
    w.student.save()
    today = timezone.localdate()
    for person in (w.social_worker, w.nurse, w.case_lead, w.lead):
        follow_up_add(case=w.case, by=w.case_lead, title="Call", assignee=person, due_on=today)
    urgent = intake_open(
        school=w.school,
        student=w.student,
        source=Intake.Source.STAFF_NOTE,
        summary="x",
        urgency=Intake.Urgency.URGENT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        safeguarding_alert(intake=urgent)
        safeguarding_alert(intake=urgent, escalated=True)
        escalate_unclaimed_urgent(now=timezone.now() + timedelta(hours=2))
        digest_send_all(today=today)
        packet = packet_draft(student=w.student, school=w.school, by=w.social_worker)
        assert packet.urgent
        packet_include_notes(packet=packet, by=w.lead, notes=w.notes.values())
        packet = packet_approve(packet=packet, by=w.lead, note_level="lead")
        packet_send_within_district(packet=packet, by=w.lead)
        clock.overdue_packets_alert(now=timezone.now() + timedelta(days=30))
    assert len(mail.outbox) >= 5
    for message in mail.outbox:
        text = " ".join(
            [message.subject, message.body] + [body for body, _type in message.alternatives]
        )
        assert MARK not in text and SEARCH_WORD not in text, message.subject


@pytest.mark.django_db
@pytest.mark.parametrize("reader", CASE_READERS)
def test_no_search_finds_a_student_by_what_a_note_says(client, w, reader):
    user = getattr(w, reader)
    client.force_login(user)
    for url in (
        reverse("concerns:student_search") + f"?q={SEARCH_WORD}",
        reverse("community_links:directory") + f"?q={SEARCH_WORD}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert MARK not in html, url
    student_search = client.get(reverse("concerns:student_search") + f"?q={SEARCH_WORD}")
    assert w.student.legal_last_name not in student_search.content.decode()


@pytest.mark.django_db
def test_no_export_carries_a_note_body(client, w, tmp_path):
    """Trends (the dashboard, every CSV) and the HSDS directory: aggregates and resources
    only. The transfer packet's sealed file is tested in tests/transfers/test_note_levels.py."""
    from django.core.management import call_command

    from schoolwell.trends import tables

    client.force_login(w.lead)  # the school's safeguarding lead also sees its trends
    pages = [reverse("trends:dashboard")]
    pages += [reverse("trends:csv", args=[key]) for key in tables.TABLES]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARK not in response.content.decode(), url
    call_command("export_hsds", str(tmp_path), stdout=io.StringIO())
    exported = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert exported
    for path in exported:
        assert MARK not in path.read_text(errors="replace"), path


# --- the admins ---------------------------------------------------------------------------
# The rule for the admins is the simplest sound one: they never show a note's body, to
# anyone (a superuser is not on a school's team). No model that holds a note's text (the
# note, a packet's copy of it, their history rows) is registered in either admin, and a
# superuser who walks every admin page and searches every list finds no note body.
NOTE_CARRIERS = (Note, TransferPacket)


def _superuser():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())
    return user


def _carriers():
    return {m for model in NOTE_CARRIERS for m in (model, model.history.model)}


def test_no_model_holding_a_note_body_is_registered_in_either_admin(db):
    from wagtail.snippets.models import get_snippet_models

    registered = set(admin.site._registry) | set(get_snippet_models())
    assert not registered & _carriers()


def _admin_urls(model, obj_ids):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{info}_changelist"), reverse(f"{info}_changelist") + f"?q={SEARCH_WORD}"]
    for pk in obj_ids:
        urls.append(reverse(f"{info}_change", args=[pk]))
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"{info}_history", args=[pk]))
    return urls


@pytest.mark.django_db
def test_a_superuser_walking_every_django_admin_page_reads_no_note_body(client, w):
    from support_team.transfers.services import packet_approve, packet_draft, packet_include_notes

    packet = packet_draft(student=w.student, school=w.school, by=w.social_worker)
    packet_include_notes(packet=packet, by=w.lead, notes=w.notes.values())
    packet_approve(packet=packet, by=w.lead, note_level="lead")
    client.force_login(_superuser())
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        ids = list(model._default_manager.values_list("pk", flat=True)[:20])
        pages += _admin_urls(model, ids)
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert MARK not in response.content.decode(), url


@pytest.mark.django_db
def test_a_superuser_walking_the_wagtail_admin_reads_no_note_body(client, w):
    from wagtail.snippets.models import get_snippet_models

    client.force_login(_superuser())
    pages = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:search") + f"?q={SEARCH_WORD}",
    ]
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        pages.append(reverse(viewset.get_url_name("list")))
        pages.append(reverse(viewset.get_url_name("list")) + f"?q={SEARCH_WORD}")
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            pages.append(reverse(viewset.get_url_name("edit"), args=[pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert MARK not in response.content.decode(), url
