"""Writes of transfer packets within the district: draft, review, include notes, approve,
send, deliver, view, accept, acknowledge. Every change keeps its history, bumps the version
and lands on the student's chronology; exchange with other districts is in exchange.py."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolwell import audit, permissions
from schoolwell.models import Enrollment, School, Student, User
from support_team.models import Intake, Note, TimelineEntry
from support_team.services import intake_open, timeline_add
from support_team.transfers import build, schema
from support_team.transfers.models import TransferPacket
from support_team.transfers.review import notes_above

OPEN_STATES = (TransferPacket.Status.DRAFT, TransferPacket.Status.APPROVED)
DISCLOSURE_BASIS = "FERPA 34 CFR 99.31(a)(2): transfer to the student's new school"


def packet_link(packet: TransferPacket) -> str:
    return reverse("transfers:detail", args=[packet.pk])


def _locked(packet: TransferPacket) -> TransferPacket:
    return (
        TransferPacket.objects.select_for_update(of=("self",))
        .select_related("student", "from_school__district", "to_school")
        .get(pk=packet.pk)
    )


def _save(packet: TransferPacket, *, title: str, by: User | None, school: School) -> None:
    packet.version += 1
    packet.full_clean()
    packet.save()
    timeline_add(
        student=packet.student,
        school=school,
        source=TimelineEntry.Source.TRANSFER,
        title=title,
        actor=by,
        link=packet_link(packet),
    )


def _require_draft(packet: TransferPacket) -> None:
    if packet.status != TransferPacket.Status.DRAFT:
        raise ValidationError(_("This packet has been approved; it can no longer be changed."))


@transaction.atomic
def packet_draft(*, student: Student, school: School, by: User) -> TransferPacket:
    """Start (or return the open) packet for a student leaving this school. Only the school's
    team drafts; a McKinney-Vento student's packet is urgent from the start."""
    if not permissions.is_team_at(by, school.pk):
        raise PermissionDenied
    if not Enrollment.objects.filter(student=student, school=school).exists():
        raise ValidationError(_("This student was never enrolled at this school."))
    existing = (
        TransferPacket.objects.select_for_update(of=("self",))
        .filter(student=student, from_school=school, status__in=OPEN_STATES)
        .first()
    )
    if existing:
        return existing
    packet = TransferPacket(
        student=student, from_school=school, urgent=student.mckinney_vento, created_by=by
    )
    packet.full_clean()
    packet.save()
    timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.TRANSFER,
        title=_("Transfer packet started"),
        actor=by,
        link=packet_link(packet),
    )
    return packet


@transaction.atomic
def packet_review(
    *, packet: TransferPacket, by: User, excluded: Iterable[str], consents: str
) -> TransferPacket:
    """The team's review of a draft: which items are left out, and the consents on file.
    Only references that exist in the draft are accepted."""
    packet = _locked(packet)
    if not permissions.is_packet_sender(by, packet):
        raise PermissionDenied
    _require_draft(packet)
    excluded = sorted(set(excluded))
    known = redactable_refs(build.build_document(packet, redact=False))
    unknown = [ref for ref in excluded if ref not in known]
    if unknown:
        raise ValidationError(_("Unknown items: %(refs)s") % {"refs": ", ".join(unknown[:5])})
    packet.excluded, packet.consents = excluded, consents.strip()
    _save(packet, title=_("Transfer packet reviewed"), by=by, school=packet.from_school)
    return packet


def redactable_refs(document: dict) -> set[str]:
    """Every reference the team may leave out: whole sections and their items."""
    refs = {f"section:{s}" for s in build.REDACTABLE_SECTIONS}
    for section in build.REDACTABLE_SECTIONS:
        items = document.get(section)
        if isinstance(items, list):
            for item in items:
                refs.add(item["ref"])
                refs.update(i["ref"] for i in item.get("interventions", []))
    return refs


@transaction.atomic
def packet_include_notes(*, packet: TransferPacket, by: User, notes: Iterable[Note]) -> None:
    """The safeguarding lead's deliberate choice of case notes, item by item. Nothing else
    puts a note in a packet."""
    packet = _locked(packet)
    if not permissions.can_approve_packet(by, packet):
        raise PermissionDenied
    _require_draft(packet)
    notes = list(notes)
    allowed = set(build.candidate_notes(packet).values_list("pk", flat=True))
    if any(n.pk not in allowed for n in notes):
        raise ValidationError(_("Only this student's case notes at this school can be added."))
    packet.included_notes.set(notes)
    _save(
        packet,
        title=_("Case notes chosen for the transfer packet"),
        by=by,
        school=packet.from_school,
    )


NOTES_ABOVE_LEVEL = "notes_above_level"


@transaction.atomic
def packet_approve(
    *, packet: TransferPacket, by: User, note_level: str, leave_out_above: bool = False
) -> TransferPacket:
    """The sending school's safeguarding lead approves (the view has re-authenticated them).
    The document is frozen as it stands; it carries the added notes at or below `note_level`
    only, and must follow the published schema. A chosen note above that level is never
    dropped silently: approval is refused unless the lead confirms leaving it out
    (`leave_out_above`), and then it is taken off the packet's chosen notes, so the record
    says what left."""
    packet = _locked(packet)
    if not permissions.can_approve_packet(by, packet):
        raise PermissionDenied
    _require_draft(packet)
    if note_level not in TransferPacket.NoteLevel.values:
        raise ValidationError(_("Choose which levels of case notes may leave."))
    above = notes_above(packet, note_level)
    if above and not leave_out_above:
        raise ValidationError(
            ngettext(
                "%(n)d case note you chose is above the level you are approving. Choose a "
                "level that carries it, or confirm that it stays behind.",
                "%(n)d case notes you chose are above the level you are approving. Choose a "
                "level that carries them, or confirm that they stay behind.",
                len(above),
            )
            % {"n": len(above)},
            code=NOTES_ABOVE_LEVEL,
        )
    if above:
        packet.included_notes.remove(*above)
    packet.note_level = note_level
    document = build.build_document(packet)
    packet.approved_at, packet.approved_by = timezone.now(), by
    document["approved"] = {
        "by": str(by),
        "email": by.email,
        "at": packet.approved_at.isoformat(),
    }
    schema.validate(document)
    packet.content, packet.status = document, TransferPacket.Status.APPROVED
    _save(packet, title=_("Transfer packet approved"), by=by, school=packet.from_school)
    return packet


def contents_list(document: dict) -> list[str]:
    """The disclosure register's list of what left: each section with how many items."""
    lines = [_("Identity")]
    for section in build.REDACTABLE_SECTIONS + ("notes",):
        value = document.get(section)
        if isinstance(value, list) and value:
            lines.append(f"{section}: {len(value)}")
        elif isinstance(value, dict):
            lines.append(section)
    return lines


def _alert_leads(school_ids: Iterable[int], subject: str, body: str) -> int:
    from support_team.selectors import safeguarding_leads

    recipients = sorted(
        {u.email for sid in school_ids if sid for u in safeguarding_leads(school_id=sid) if u.email}
    )
    if not recipients:
        return 0
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)


@transaction.atomic
def packet_send_within_district(*, packet: TransferPacket, by: User) -> TransferPacket:
    """Release an approved packet to the student's next school in the district. It reaches
    that school's queue now if the student is already enrolled there, otherwise as soon as
    the roster enrolls them (deliver_waiting_packets). The disclosure is recorded now."""
    packet = _locked(packet)
    if not permissions.is_packet_sender(by, packet):
        raise PermissionDenied
    if packet.status != TransferPacket.Status.APPROVED:
        raise ValidationError(_("Only an approved packet can be sent."))
    packet.status, packet.sent_at, packet.sent_by = TransferPacket.Status.SENT, timezone.now(), by
    packet.direction = TransferPacket.Direction.WITHIN_DISTRICT
    destination = next_school(packet)
    district = packet.from_school.district
    audit.disclosure_record(
        student=packet.student,
        made_by=by,
        recipient=destination.name
        if destination
        else _("The student's next school in %(district)s") % {"district": district.name},
        contents=contents_list(packet.content),
        basis=DISCLOSURE_BASIS,
        consent="; ".join(c["text"] for c in packet.content.get("consents") or [])[:200],
    )
    _save(packet, title=_("Transfer packet sent"), by=by, school=packet.from_school)
    if destination:
        _deliver(packet, destination)
    if packet.urgent:
        link = f"{_site()}{packet_link(packet)}"
        transaction.on_commit(
            lambda: _alert_leads(
                [packet.from_school_id],
                _("Urgent transfer packet sent"),
                _("An urgent (McKinney-Vento) transfer packet has been sent: %(link)s")
                % {"link": link},
            )
        )
    return packet


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL


def next_school(packet: TransferPacket) -> School | None:
    """Where the student is enrolled now in the sending district, other than the sender."""
    enrollment = (
        Enrollment.objects.filter(
            student=packet.student,
            end_date__isnull=True,
            school__district_id=packet.from_school.district_id,
        )
        .exclude(school_id=packet.from_school_id)
        .select_related("school")
        .order_by("-start_date", "-pk")
        .first()
    )
    return enrollment.school if enrollment else None


def _deliver(packet: TransferPacket, school: School) -> None:
    """Put the packet in the receiving school's queue, through the front door."""
    intake = intake_open(
        school=school,
        student=packet.student,
        source=Intake.Source.TRANSFER,
        source_id=str(packet.pk),
        summary=_("Transfer packet from %(school)s") % {"school": packet_sender_name(packet)},
        urgency=Intake.Urgency.URGENT if packet.urgent else Intake.Urgency.HIGH,
    )
    packet.to_school, packet.delivered_at, packet.intake = school, timezone.now(), intake
    _save(packet, title=_("Transfer packet arrived"), by=None, school=school)


def packet_sender_name(packet: TransferPacket) -> str:
    return packet.from_school.name if packet.from_school_id else packet.sender_label


@transaction.atomic
def deliver_waiting_packets() -> int:
    """Deliver every sent packet whose student the roster has since enrolled at another
    school of the district (the periodic half of "arrives on enrolment")."""
    waiting = (
        TransferPacket.objects.select_for_update(of=("self",))
        .filter(
            direction=TransferPacket.Direction.WITHIN_DISTRICT,
            status=TransferPacket.Status.SENT,
            delivered_at__isnull=True,
        )
        .select_related("student", "from_school__district")
    )
    delivered = 0
    for packet in waiting:
        destination = next_school(packet)
        if destination:
            _deliver(packet, destination)
            delivered += 1
    return delivered


def _advance(packet: TransferPacket, status: str) -> None:
    order = list(TransferPacket.Status.values)
    if order.index(status) > order.index(packet.status):
        packet.status = status


@transaction.atomic
def packet_view(*, packet: TransferPacket, by: User) -> TransferPacket:
    """The receiving team opened the packet: the first opening is recorded (the sender sees
    "viewed"). Opening by the sender changes nothing here; the view logs every read."""
    if not permissions.is_packet_receiver(by, packet) or packet.viewed_at or not _arrived(packet):
        return packet
    packet = _locked(packet)
    if packet.viewed_at:
        return packet
    packet.viewed_at, packet.viewed_by = timezone.now(), by
    _advance(packet, TransferPacket.Status.VIEWED)
    _save(packet, title=_("Transfer packet opened"), by=by, school=packet.to_school)
    return packet


def _arrived(packet: TransferPacket) -> bool:
    return packet.delivered_at is not None


@transaction.atomic
def packet_accept(*, packet: TransferPacket, by: User) -> TransferPacket:
    """The receiving team takes the packet in: the student's chronology at the new school
    links to it, so their history reads on across schools."""
    packet = _locked(packet)
    if not permissions.is_packet_receiver(by, packet) or not _arrived(packet):
        raise PermissionDenied
    if packet.accepted_at:
        return packet
    now = timezone.now()
    if not packet.viewed_at:
        packet.viewed_at, packet.viewed_by = now, by
    packet.accepted_at, packet.accepted_by = now, by
    _advance(packet, TransferPacket.Status.ACCEPTED)
    _save(
        packet,
        title=_("Transfer packet accepted: history from %(school)s")
        % {"school": packet_sender_name(packet)},
        by=by,
        school=packet.to_school,
    )
    return packet


@transaction.atomic
def packet_acknowledge(*, packet: TransferPacket, by: User) -> TransferPacket:
    """The receiving school's safeguarding lead confirms receipt: the five-school-day clock
    stops, and the sender sees when."""
    packet = _locked(packet)
    if not permissions.can_acknowledge_packet(by, packet) or not _arrived(packet):
        raise PermissionDenied
    if packet.acknowledged_at:
        return packet
    now = timezone.now()
    if not packet.viewed_at:
        packet.viewed_at, packet.viewed_by = now, by
    packet.acknowledged_at, packet.acknowledged_by = now, by
    packet.status = TransferPacket.Status.ACKNOWLEDGED
    _save(packet, title=_("Transfer packet receipt acknowledged"), by=by, school=packet.to_school)
    return packet
