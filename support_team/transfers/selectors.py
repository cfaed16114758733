"""Reads of transfer packets, always for an acting user and from a scoped queryset."""

from django.db.models import Exists, F, OuterRef, QuerySet

from schoolwell import permissions
from schoolwell.models import Enrollment, Student, User
from support_team.models import PeerDistrict, TransferPacket

_RELATED = ("student", "from_school", "to_school", "peer")


def outgoing_for(*, user: User) -> QuerySet[TransferPacket]:
    """Packets the user's schools are sending or have sent: urgent first, newest first."""
    ids = permissions.school_ids(user, permissions.TEAM_ROLES)
    return (
        permissions.transfer_packets_for(user)
        .filter(from_school_id__in=ids)
        .select_related(*_RELATED)
        .order_by("-urgent", "-created_at", "-pk")
    )


def incoming_for(*, user: User) -> QuerySet[TransferPacket]:
    """Packets delivered to (or imported by) the user's schools: not yet acknowledged first."""
    ids = permissions.school_ids(user, permissions.TEAM_ROLES)
    return (
        permissions.transfer_packets_for(user)
        .filter(to_school_id__in=ids)
        .select_related(*_RELATED)
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-urgent", "-created_at", "-pk")
    )


def departed_without_packet(*, user: User) -> QuerySet[Enrollment]:
    """Students who recently left one of the user's schools and have no packet from it yet
    (the roster import ended their enrollment; the team starts the packet from here)."""
    packets = TransferPacket.objects.filter(
        student_id=OuterRef("student_id"), from_school_id=OuterRef("school_id")
    )
    return (
        permissions.departed_enrollments_for(user)
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
