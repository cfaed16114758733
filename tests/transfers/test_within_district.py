"""Within the district: the packet reaches the next school's queue on enrolment, and the
sender sees each step. The five-school-day clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from schoolwell.models import Disclosure, Holiday
from support_team.models import Intake, TimelineEntry
from support_team.transfers import clock, services
from support_team.transfers.models import TransferPacket
from tests.transfers.conftest import enroll_elsewhere

CHICAGO = ZoneInfo("America/Chicago")


def approved(sender, record):
    packet = services.packet_draft(
        student=record["student"], school=sender["school"], by=sender["team"]
    )
    return services.packet_approve(packet=packet, by=sender["lead"], note_level="")


def test_a_packet_sent_after_enrolment_arrives_in_the_receiving_queue_at_once(
    sender, receiver, record
):
    enroll_elsewhere(record["student"], receiver["school"])
    packet = services.packet_send_within_district(
        packet=approved(sender, record), by=sender["team"]
    )
    intake = Intake.objects.get(source=Intake.Source.TRANSFER, source_id=str(packet.pk))
    assert intake.school == receiver["school"]
    assert intake.urgency == Intake.Urgency.HIGH
    assert packet.to_school == receiver["school"] and packet.delivered_at is not None
    disclosure = Disclosure.objects.get(student=record["student"])
    assert disclosure.recipient == receiver["school"].name
    assert "FERPA" in disclosure.basis


def test_a_packet_sent_before_enrolment_waits_for_the_roster(sender, receiver, record):
    packet = services.packet_send_within_district(
        packet=approved(sender, record), by=sender["team"]
    )
    assert packet.delivered_at is None
    assert services.deliver_waiting_packets() == 0
    enroll_elsewhere(record["student"], receiver["school"])
    assert services.deliver_waiting_packets() == 1
    packet.refresh_from_db()
    assert packet.to_school == receiver["school"]
    assert Intake.objects.filter(source=Intake.Source.TRANSFER).count() == 1
    assert services.deliver_waiting_packets() == 0  # idempotent


def test_a_mckinney_vento_packet_is_urgent_on_both_sides(sender, receiver, record):
    record["student"].mckinney_vento = True
    record["student"].save()
    enroll_elsewhere(record["student"], receiver["school"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
        services.packet_send_within_district(packet=approved(sender, record), by=sender["team"])
    intake = Intake.objects.get(source=Intake.Source.TRANSFER)
    assert intake.urgency == Intake.Urgency.URGENT
    recipients = {r for m in mail.outbox for r in m.to}
    assert sender["lead"].email in recipients  # the sending side is alerted too
    assert receiver["lead"].email in recipients  # the front door alerts the receiving lead
    assert all(record["student"].legal_last_name not in m.body for m in mail.outbox)


def test_the_receiving_team_views_accepts_and_the_lead_acknowledges(sender, receiver, record):
    enroll_elsewhere(record["student"], receiver["school"])
    packet = services.packet_send_within_district(
        packet=approved(sender, record), by=sender["team"]
    )
    # The sender opening it changes nothing.
    assert services.packet_view(packet=packet, by=sender["team"]).viewed_at is None
    packet = services.packet_view(packet=packet, by=receiver["team"])
    assert packet.status == TransferPacket.Status.VIEWED
    with pytest.raises(PermissionDenied):
        services.packet_acknowledge(packet=packet, by=receiver["team"])
    packet = services.packet_accept(packet=packet, by=receiver["team"])
    assert packet.status == TransferPacket.Status.ACCEPTED
    packet = services.packet_acknowledge(packet=packet, by=receiver["lead"])
    assert packet.status == TransferPacket.Status.ACKNOWLEDGED
    assert packet.acknowledged_by == receiver["lead"]
    titles = set(
        TimelineEntry.objects.filter(school=receiver["school"]).values_list("title", flat=True)
    )
    assert "Transfer packet accepted: history from School A" in titles
    assert packet.history.count() >= 5


def test_the_sending_team_cannot_accept_its_own_packet(sender, receiver, record):
    enroll_elsewhere(record["student"], receiver["school"])
    packet = services.packet_send_within_district(
        packet=approved(sender, record), by=sender["team"]
    )
    with pytest.raises(PermissionDenied):
        services.packet_accept(packet=packet, by=sender["lead"])


def test_a_draft_cannot_be_sent(sender, record):
    from django.core.exceptions import ValidationError

    packet = services.packet_draft(
        student=record["student"], school=sender["school"], by=sender["team"]
    )
    with pytest.raises(ValidationError):
        services.packet_send_within_district(packet=packet, by=sender["team"])
    assert not Disclosure.objects.exists()


def at(*args):
    return datetime.datetime(*args, tzinfo=CHICAGO)


@pytest.fixture
def delivered_thursday(sender, receiver, record):
    """Delivered Thursday 15 January 2026, 10:00; Monday 19th is a district holiday."""
    Holiday.objects.create(
        district=sender["school"].district, date=datetime.date(2026, 1, 19), name="MLK Day"
    )
    enroll_elsewhere(record["student"], receiver["school"])
    with time_machine.travel(at(2026, 1, 15, 10, 0), tick=False):
        packet = services.packet_send_within_district(
            packet=approved(sender, record), by=sender["team"]
        )
    mail.outbox.clear()
    return packet


@pytest.mark.parametrize(
    ("now", "alerted"),
    [
        (at(2026, 1, 19, 12, 0), 0),  # the weekend and the holiday do not count
        (at(2026, 1, 22, 10, 30), 0),  # would be 5 days without the holiday
        (at(2026, 1, 23, 9, 59), 0),  # one minute short
        (at(2026, 1, 23, 10, 0), 1),  # five school days: Fri, Tue, Wed, Thu, Fri
    ],
)
def test_the_five_school_day_clock_skips_the_weekend_and_the_holiday(
    delivered_thursday, now, alerted
):
    with time_machine.travel(now, tick=False):
        assert clock.overdue_packets_alert() == alerted
    delivered_thursday.refresh_from_db()
    assert (delivered_thursday.overdue_alerted_at is not None) == bool(alerted)


def test_the_overdue_alert_reaches_both_leads_once(
    delivered_thursday, sender, receiver, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(2026, 1, 26, 8, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert clock.overdue_packets_alert() == 1
        assert clock.overdue_packets_alert() == 0
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {sender["lead"].email, receiver["lead"].email}


def test_an_acknowledged_packet_raises_no_alert(delivered_thursday, receiver):
    services.packet_acknowledge(packet=delivered_thursday, by=receiver["lead"])
    with time_machine.travel(at(2026, 2, 20, 8, 0), tick=False):
        assert clock.overdue_packets_alert() == 0
