"""The transfer clock: a packet that reached a school's queue must be acknowledged within
five school days (KCSIE). Past that, both schools' safeguarding leads are alerted, once.
Also here: the periodic delivery of sent packets whose student the roster has since
enrolled at another school of the district. Both jobs are idempotent; tasks.py schedules
them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell import calendar
from support_team.models import TimelineEntry
from support_team.selectors.time_left import TimeLeft, time_left_to
from support_team.services import timeline_add
from support_team.transfers.models import TransferPacket
from support_team.transfers.services import _alert_leads

ACK_SCHOOL_DAYS = 5
# How far past the latest start a list page reads holidays: five school days and then some.
WINDOW_DAYS = 60


def clock_start(packet: TransferPacket) -> tuple[datetime, object] | None:
    """When the clock started and whose calendar it runs on: arrival in the receiving queue
    (within the district, or an import confirmed here); for a packet exported to another
    district, the moment it left, on the sending school's calendar."""
    if packet.delivered_at and packet.to_school_id:
        return packet.delivered_at, packet.to_school
    if packet.direction == TransferPacket.Direction.OUTGOING and packet.sent_at:
        return packet.sent_at, packet.from_school
    return None


def ack_deadline(packet: TransferPacket, closed: set[date] | None = None) -> datetime | None:
    start = clock_start(packet)
    if start is None:
        return None
    return calendar.add_school_days(
        school=start[1], start=start[0], days=ACK_SCHOOL_DAYS, closed=closed
    )


@dataclass(frozen=True)
class AckClock:
    """What both schools read about a packet's deadline: when, and (until it is
    acknowledged) the time left in the queue's words; once acknowledged, whether in time."""

    deadline: datetime
    time_left: TimeLeft | None
    in_time: bool | None


def annotate_ack_clocks(packets: Iterable[TransferPacket], *, now: datetime | None = None) -> None:
    """Set `ack_clock` on each packet (None until its clock starts). The holidays of every
    school involved are read in one query, from the earliest start to well past the latest
    deadline (a closure longer than that window is read again for that packet alone)."""
    now = now or timezone.now()
    packets = list(packets)
    for packet in packets:
        packet.ack_clock = None
    started = [(packet, clock_start(packet)) for packet in packets]
    started = [(packet, start) for packet, start in started if start is not None]
    if not started:
        return
    first = min(timezone.localtime(min(s[0], now)).date() for _p, s in started)
    last = max(timezone.localtime(max(s[0], now)).date() for _p, s in started)
    last += timedelta(days=WINDOW_DAYS)
    schools = list({s[1].pk: s[1] for _p, s in started}.values())
    closed = calendar.closed_days_by_school(schools=schools, start=first, end=last)
    for packet, (_at, school) in started:
        deadline = ack_deadline(packet, closed[school.pk])
        if deadline.date() > last:
            deadline = ack_deadline(packet)
        packet.ack_clock = _clock(packet, deadline, now, closed[school.pk])


def _clock(packet: TransferPacket, deadline: datetime, now: datetime, closed) -> AckClock:
    if packet.acknowledged_at:
        return AckClock(deadline, None, packet.acknowledged_at <= deadline)
    return AckClock(deadline, time_left_to(now=now, target=deadline, closed=closed), None)


def overdue_packets_alert(*, now: datetime | None = None) -> int:
    """Alert the safeguarding leads of both schools for each packet past its deadline and
    still unacknowledged; mark it so the alert goes once. Returns how many were alerted."""
    now = now or timezone.now()
    waiting = TransferPacket.objects.filter(
        acknowledged_at__isnull=True, overdue_alerted_at__isnull=True, sent_at__isnull=False
    ).select_related("from_school", "to_school", "student")
    alerted = 0
    for packet in waiting:
        deadline = ack_deadline(packet)
        if deadline is not None and now >= deadline:
            alerted += _alert(packet, now)
    return alerted


@transaction.atomic
def _alert(packet: TransferPacket, now: datetime) -> int:
    packet = TransferPacket.objects.select_for_update().get(pk=packet.pk)
    if packet.overdue_alerted_at or packet.acknowledged_at:
        return 0
    packet.overdue_alerted_at = now
    packet.version += 1
    packet.save()
    link = reverse("transfers:detail", args=[packet.pk])
    for school in {packet.from_school, packet.to_school} - {None}:
        timeline_add(
            student=packet.student,
            school=school,
            source=TimelineEntry.Source.TRANSFER,
            title=_("Transfer packet not acknowledged within five school days"),
            link=link,
        )
    from django.conf import settings

    transaction.on_commit(
        lambda: _alert_leads(
            [packet.from_school_id, packet.to_school_id],
            _("A transfer packet has not been acknowledged"),
            _(
                "A transfer packet has waited five school days without acknowledgement. "
                "Open it: %(link)s\n\nThis message leaves out every detail on purpose."
            )
            % {"link": f"{settings.SITE_URL}{link}"},
        )
    )
    return 1
