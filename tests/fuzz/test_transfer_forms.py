"""The transfer packet forms (review, notes, approve; the file imports of another district's
packet and receipt), posted through their views by a re-authenticated team member with
malformed input: never a server error; a refused post writes nothing; the other school's
packet never changes. The envelope parser itself is fuzzed in tests/transfers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from support_team.models import Note
from support_team.transfers import build, envelope, services
from support_team.transfers.models import TransferPacket
from tests.fuzz.engine import BOUNDED, GARBAGE, Field, broken, exercise, pairs, values
from tests.transfers.conftest import reauthenticated

TEXT = values(["Parent agreed to share with the next school", "", "ñ 😞"])


@pytest.fixture
def draft(sender, record):
    return services.packet_draft(
        student=record["student"], school=sender["school"], by=sender["team"]
    )


def other_packet(school_b):
    """A packet at another school: its row must never change."""
    from schoolwell.models import Role
    from support_team.services.cases import case_open_or_join
    from tests.factories import enrolled_student, member

    lead = member(Role.SAFEGUARDING_LEAD, school=school_b)
    student = enrolled_student(school_b)
    case, _ = case_open_or_join(school=school_b, student=student, by=lead)
    note = Note.objects.create(
        case=case, level=Note.Level.TEAM, body="B", author=lead, written_at=timezone.now()
    )
    packet = services.packet_draft(student=student, school=school_b, by=lead)
    return packet, note


def routes(draft, note_b):
    refs = sorted(services.redactable_refs(build.build_document(draft)))
    notes = list(build.candidate_notes(draft).values_list("pk", flat=True)) + [note_b.pk]
    return {
        "review": (
            "team",
            reverse("transfers:review", args=[draft.pk]),
            {"excluded": values(refs), "consents": TEXT},
        ),
        "notes": ("lead", reverse("transfers:notes", args=[draft.pk]), {"notes": values(notes)}),
        "approve": (
            "lead",
            reverse("transfers:approve", args=[draft.pk]),
            {"note_level": values(TransferPacket.NoteLevel.values)},
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["review", "notes", "approve"])
def test_no_malformed_packet_form_is_a_server_error_or_a_partial_write(
    client, draft, sender, school_b, route
):
    packet_b, note_b = other_packet(school_b)
    who, url, fields = routes(draft, note_b)[route]
    reauthenticated(client, sender[who])

    def theirs():
        return list(TransferPacket.objects.filter(pk=packet_b.pk).values())

    seen = {True: 0, False: 0}

    @BOUNDED
    @given(pairs(fields))
    def post(body):
        _status, was_refused = exercise(client, "POST", url, body, theirs)
        seen[was_refused] += 1

    post()
    print(f"\n{route}: refused {seen[True]}, accepted {seen[False]}")


FILES = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=2000).map(envelope.MAGIC.__add__),
    st.just(b""),
    GARBAGE.map(lambda s: s.encode("utf-8", "surrogatepass")),
)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["transfers:import", "transfers:receipt_import"])
def test_no_malformed_transfer_file_upload_is_a_server_error_or_a_write(
    client, sender, school_b, route
):
    reauthenticated(client, sender["team"])
    fields = {
        "school": values([sender["school"].pk, school_b.pk]),
        "passphrase": Field(st.text(max_size=30), broken(GARBAGE)),
    }

    @BOUNDED
    @given(pairs(fields), FILES, st.booleans())
    def post(body, content, with_file):
        files = {"file": SimpleUploadedFile("x.swtp", content)} if with_file else {}
        status, was_refused = exercise(client, "POST", reverse(route), body, files=files)
        assert was_refused, "random bytes were taken for a transfer file"
        assert status in (200, 302, 400)

    post()
