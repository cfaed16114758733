"""Reads of transfer packets, always for an acting user and from a scoped queryset, and the
accessor of one packet (schoolwell.access.reach)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from schoolwell import permissions
from schoolwell.access import reach
from schoolwell.actor import Who
from schoolwell.models import Enrollment, Student, User
from support_team.models import Note
from support_team.transfers.models import PeerDistrict, TransferPacket

_RELATED = ("student", "from_school", "to_school", "peer")


def packet_note_reader(user: Who, packet: TransferPacket) -> Callable[[dict], bool]:
    """Whether this user reads the body of each note a packet carries ({"ref", "level",
    ...}). At the receiving school, by their own levels there: the packet has no case there
    yet, so lead-only is its safeguarding lead's. At the sending school, as on the case page
    of the note it copies (that case's lead, the author). Someone on both teams: either."""
    here = (
        permissions.note_levels_at(user, packet.to_school_id)
        if permissions.is_packet_receiver(user, packet)
        else set()
    )
    # ref -> (the reader's levels on the note's own case, its level there, wrote it)
    sent: dict[str, tuple[set[str], str, bool]] = {}
    if permissions.is_packet_sender(user, packet):
        for note in Note.objects.filter(
            case__school_id=packet.from_school_id, case__student_id=packet.student_id
        ).select_related("case"):
            sent[f"note:{note.pk}"] = (
                permissions.note_levels(user, note.case),
                note.level,
                note.author_id == user.pk,
            )

    def reads(note: dict) -> bool:
        if permissions.may_read_note(here, note.get("level")):
            return True
        levels, level, own = sent.get(note.get("ref"), (set(), None, False))
        # The copy's level and the note's own must both be within reach.
        return permissions.may_read_note(levels, level, own=own) and permissions.may_read_note(
            levels, note.get("level"), own=own
        )

    return reads


@dataclass(frozen=True)
class PacketCan:
    send: bool  # the sending school's team
    receive: bool  # the receiving school's team
    approve: bool  # the sending school's safeguarding lead
    acknowledge: bool  # the receiving school's safeguarding lead


def packet_for(
    actor: Who,
    pk: int,
    *,
    read: str = "",
    action: str = "view",
    only_if: Callable[[TransferPacket], bool] | None = None,
) -> TransferPacket:
    """One packet in the actor's scope, with what they may do with it (`packet.can`), or
    Http404 (also when `only_if` says no). `read` logs the read (a download with
    action="download"): a write's fetch leaves it empty."""
    return reach(
        TransferPacket.objects.visible_to(actor).select_related(*_RELATED),
        pk,
        actor=actor,
        read=read,
        action=action,
        only_if=only_if,
        can=lambda packet: PacketCan(
            send=permissions.is_packet_sender(actor, packet),
            receive=permissions.is_packet_receiver(actor, packet),
            approve=permissions.can_approve_packet(actor, packet),
            acknowledge=permissions.can_acknowledge_packet(actor, packet),
        ),
    )


def outgoing_for(*, user: User) -> QuerySet[TransferPacket]:
    """Packets the user's schools are sending or have sent: urgent first, newest first."""
    ids = permissions.school_ids(user, permissions.TEAM_ROLES)
    return (
        TransferPacket.objects.visible_to(user)
        .filter(from_school_id__in=ids)
        .select_related(*_RELATED)
        .order_by("-urgent", "-created_at", "-pk")
    )


def incoming_for(*, user: User) -> QuerySet[TransferPacket]:
    """Packets delivered to (or imported by) the user's schools: not yet acknowledged first."""
    ids = permissions.school_ids(user, permissions.TEAM_ROLES)
    return (
        TransferPacket.objects.visible_to(user)
        .filter(to_school_id__in=ids)
        .select_related(*_RELATED)
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-urgent", "-created_at", "-pk")
    )


# A packet may be started for a student up to this many days after they left.
DEPARTED_DAYS = 60


def departed_enrollments_for(user: Who) -> QuerySet[Enrollment]:
    """Enrollments at the user's team schools that ended in the last DEPARTED_DAYS days:
    the students a packet may be started for."""
    since = timezone.localdate() - timedelta(days=DEPARTED_DAYS)
    return Enrollment.objects.filter(
        school_id__in=permissions.school_ids(user, permissions.TEAM_ROLES), end_date__gte=since
    )


def transfer_student_for(actor: Who, student_pk: int, school_pk: int) -> Student:
    """A student a packet may be drafted for at this school: enrolled there now or before,
    and the actor on that school's team (a team may start before the roster catches up)."""
    if school_pk not in permissions.school_ids(actor, permissions.TEAM_ROLES):
        raise Http404
    enrolled = Enrollment.objects.filter(student=OuterRef("pk"), school_id=school_pk)
    return reach(Student.objects.filter(Exists(enrolled)), student_pk, actor=actor)


def departed_without_packet(*, user: User) -> QuerySet[Enrollment]:
    """Students who recently left one of the user's schools and have no packet from it yet
    (the roster import ended their enrollment; the team starts the packet from here)."""
    packets = TransferPacket.objects.filter(
        student_id=OuterRef("student_id"), from_school_id=OuterRef("school_id")
    )
    return (
        departed_enrollments_for(user)
        .exclude(Exists(packets))
        .select_related("student", "school")
        .order_by("-student__mckinney_vento", "-end_date", "pk")
    )


def peers_for(*, packet: TransferPacket) -> QuerySet[PeerDistrict]:
    return PeerDistrict.objects.filter(district_id=packet.from_school.district_id)


def import_students(*, packet: TransferPacket) -> QuerySet[Student]:
    """Whom a held import may be about: students enrolled at the importing school now."""
    return Student.objects.filter(
        Exists(
            Enrollment.objects.filter(
                student=OuterRef("pk"), school_id=packet.to_school_id, end_date__isnull=True
            )
        )
    )
