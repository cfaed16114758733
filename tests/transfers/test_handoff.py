"""A packet is easy to finish and hard to get wrong: the receiving queue item links to it, the
"leave out" list speaks in names, a chosen note above the approved level is flagged and never
dropped silently, both schools see the deadline, dates are the real (local) ones, and the
PDF is on the district's paper."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schoolwell.models import Holiday
from support_team.models import TimelineEntry
from support_team.services import timeline_add
from support_team.transfers import clock, services
from support_team.transfers.models import TransferPacket
from tests.transfers.conftest import enroll_elsewhere, reauthenticated

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def draft(sender, record):
    return services.packet_draft(
        student=record["student"], school=sender["school"], by=sender["team"]
    )


def chosen(draft, sender, record, *levels):
    notes = [record["notes"][level] for level in levels]
    services.packet_include_notes(packet=draft, by=sender["lead"], notes=notes)
    return notes


def sent(draft, sender, record, receiver):
    services.packet_approve(packet=draft, by=sender["lead"], note_level="")
    enroll_elsewhere(record["student"], receiver["school"])
    return services.packet_send_within_district(packet=draft, by=sender["lead"])


def page(client, user, packet) -> str:
    client.force_login(user)
    return client.get(reverse("transfers:detail", args=[packet.pk])).content.decode()


def test_the_receiving_queue_item_links_to_the_packet(client, draft, sender, record, receiver):
    packet = sent(draft, sender, record, receiver)
    client.force_login(receiver["team"])
    html = client.get(reverse("support_team:intake", args=[packet.intake_id])).content.decode()
    link = reverse("transfers:detail", args=[packet.pk])
    assert f'href="{link}"' in html
    assert "Open the transfer packet" in html
    assert client.get(link).status_code == 200


def test_the_leave_out_list_names_people_and_things_under_their_section(
    client, draft, sender, record
):
    html = page(client, sender["team"], draft)
    section = html[html.index('class="leave-out"') : html.index('name="consents"')]
    contacts = section[section.index('id="leave-out-contacts"') :]
    contacts = contacts[: contacts.index("</fieldset>")]
    assert "<h3>Key contacts</h3>" in contacts
    assert re.search(r"> Ana \w+ \(mother\)</label>", contacts)
    guardian = record["student"].guardians.get(first_name="Ana")
    assert f'value="guardian:{guardian.pk}"' in contacts  # the ref stays the value
    assert "Goal: Attend 90% of days" in section
    assert "Intervention: Check-in / check-out: Morning check-in" in section
    assert f"{sender['lead']} (case lead)" in section
    today = datetime.datetime.now(CHICAGO).strftime("%-d %b %Y")
    assert f"{today} · Referred to a food bank" in section
    # No internal key is shown as words any more.
    assert not re.search(r">\s*(guardian|goal|staff|timeline|need|intervention):\w+", section)


def test_a_ref_chosen_from_the_named_list_is_left_out(client, draft, sender, record):
    guardian = record["student"].guardians.get(first_name="Ana")
    client.force_login(sender["team"])
    client.post(
        reverse("transfers:review", args=[draft.pk]),
        {"excluded": [f"guardian:{guardian.pk}", "section:referrals"], "consents": ""},
    )
    draft.refresh_from_db()
    assert draft.excluded == [f"guardian:{guardian.pk}", "section:referrals"]
    html = page(client, sender["team"], draft)
    assert f'value="guardian:{guardian.pk}" checked' in html  # still listed, to undo
    # Saving the same review again is accepted (what was left out is still a known item).
    response = client.post(
        reverse("transfers:review", args=[draft.pk]),
        {"excluded": [f"guardian:{guardian.pk}"], "consents": ""},
        follow=True,
    )
    assert "Review saved." in response.content.decode()
    draft.refresh_from_db()
    assert draft.excluded == [f"guardian:{guardian.pk}"]


def test_each_level_says_which_chosen_notes_it_would_leave_out(client, draft, sender, record):
    chosen(draft, sender, record, "team", "health", "lead")
    html = page(client, sender["lead"], draft)
    approve = html[html.index('id="approve"') :]
    assert "You chose 3 case notes for this packet" in approve
    assert "Leaves out 3 chosen notes" in approve  # no case notes
    assert "Leaves out 2 chosen notes" in approve  # team
    assert "Leaves out 1 chosen note:" in approve  # team and health
    # The level picked at first carries every chosen note.
    assert re.search(r'value="lead" checked', approve)


def test_the_service_refuses_to_drop_a_chosen_note_silently(draft, sender, record):
    chosen(draft, sender, record, "team", "lead")
    with pytest.raises(ValidationError) as refused:
        services.packet_approve(packet=draft, by=sender["lead"], note_level="team")
    assert refused.value.code == services.NOTES_ABOVE_LEVEL
    draft.refresh_from_db()
    assert draft.status == TransferPacket.Status.DRAFT


def test_approving_below_a_chosen_note_is_refused_beside_the_form(client, draft, sender, record):
    notes = chosen(draft, sender, record, "team", "lead")
    reauthenticated(client, sender["lead"])
    response = client.post(reverse("transfers:approve", args=[draft.pk]), {"note_level": "team"})
    assert response.status_code == 400
    html = response.content.decode()
    approve = html[html.index('id="approve"') :]
    assert 'id="approve-error"' in approve
    assert "1 case note you chose is above the level you are approving" in approve
    assert re.search(r'value="team" checked', approve)  # what they picked stays picked
    draft.refresh_from_db()
    assert draft.status == TransferPacket.Status.DRAFT
    assert set(draft.included_notes.all()) == set(notes)


def test_confirming_leaves_the_note_out_and_the_record_says_what_left(
    client, draft, sender, record
):
    chosen(draft, sender, record, "team", "lead")
    reauthenticated(client, sender["lead"])
    response = client.post(
        reverse("transfers:approve", args=[draft.pk]),
        {"note_level": "team", "leave_out_above": "on"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == TransferPacket.Status.APPROVED
    assert [n["level"] for n in draft.content["notes"]] == ["team"]
    assert list(draft.included_notes.all()) == [record["notes"]["team"]]


def test_both_schools_see_the_deadline_and_the_time_left(client, draft, sender, record, receiver):
    packet = sent(draft, sender, record, receiver)
    deadline = clock.ack_deadline(packet)
    for user in (sender["team"], receiver["team"]):
        html = page(client, user, packet)
        trail = html[html.index('class="transfer-trail"') :]
        assert "Acknowledge within five school days, by" in trail
        assert f'datetime="{deadline.isoformat()}"' in trail
        assert "school days left" in trail
        listing = client.get(reverse("transfers:list")).content.decode()
        assert f'datetime="{deadline.isoformat()}"' in listing
        assert "school days left" in listing


def test_the_deadline_skips_weekends_and_holidays_and_turns_overdue(
    draft, sender, record, receiver
):
    packet = sent(draft, sender, record, receiver)
    start = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=CHICAGO)  # a Friday
    TransferPacket.objects.filter(pk=packet.pk).update(delivered_at=start)
    Holiday.objects.create(district=receiver["school"].district, date=datetime.date(2026, 11, 26))
    packet.refresh_from_db()
    clock.annotate_ack_clocks([packet], now=start + datetime.timedelta(days=1))
    # Mon 23, Tue 24, Wed 25, (Thanksgiving off), Fri 27, Mon 30.
    assert packet.ack_clock.deadline == datetime.datetime(2026, 11, 30, 10, 0, tzinfo=CHICAGO)
    assert packet.ack_clock.time_left.text == "5 school days left"
    clock.annotate_ack_clocks([packet], now=datetime.datetime(2026, 12, 2, 11, tzinfo=CHICAGO))
    assert packet.ack_clock.time_left.overdue
    assert packet.ack_clock.time_left.text == "overdue by 2 school days"


def test_the_list_reads_every_deadline_in_the_same_queries(
    client, sender, receiver, django_assert_num_queries
):
    from tests.factories import enrolled_student

    def send_one():
        student = enrolled_student(sender["school"])
        packet = services.packet_draft(student=student, school=sender["school"], by=sender["team"])
        sent(packet, sender, {"student": student}, receiver)

    send_one()
    client.force_login(receiver["team"])
    client.get(reverse("transfers:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("transfers:list"))
    for _ in range(4):
        send_one()
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(reverse("transfers:list")).content.decode()
    assert html.count("school days left") == 5


def test_the_history_shows_each_line_on_its_local_day(client, draft, sender, record):
    from pypdf import PdfReader

    # 8 pm in Chicago on 3 December is already 4 December in UTC.
    timeline_add(
        student=record["student"],
        school=sender["school"],
        source=TimelineEntry.Source.CASE,
        title="Evening call with the family",
        at=datetime.datetime(2026, 12, 3, 20, 0, tzinfo=CHICAGO),
    )
    html = page(client, sender["lead"], draft)
    document = html[html.index('class="transfer-document"') :]
    assert "3 Dec 2026</time> · Evening call with the family" in document
    data = client.get(reverse("transfers:pdf", args=[draft.pk])).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "2026-12-03  Evening call with the family" in text


@pytest.mark.parametrize(("country", "width"), [("US", 612), ("GB", 595)])
def test_the_pdf_is_on_the_districts_paper(client, draft, sender, country, width):
    from pypdf import PdfReader

    district = sender["school"].district
    district.country = country
    district.save()
    client.force_login(sender["team"])
    data = client.get(reverse("transfers:pdf", args=[draft.pk])).content
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert round(float(box.width)) == width
