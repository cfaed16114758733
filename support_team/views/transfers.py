"""Transfer packet pages within the district: the list, one packet (draft review, approval,
sending; receiving, accepting, acknowledging), and its PDF. Every open and download is
logged; approving and sending need a fresh re-authentication (allauth)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import audit, permissions
from support_team.forms.transfers import (
    AcknowledgementImportForm,
    ApproveForm,
    ConfirmImportForm,
    ExportForm,
    NotesForm,
    ReviewForm,
)
from support_team.models import TransferPacket
from support_team.transfers import build, pdf, selectors, services

can_use = permissions.require(permissions.can_use_transfers)


@can_use
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Packets going out, packets coming in, and students who left without one."""
    return render(
        request,
        "transfers/list.html",
        {
            "outgoing": selectors.outgoing_for(user=request.user)[:200],
            "incoming": selectors.incoming_for(user=request.user)[:200],
            "departed": selectors.departed_without_packet(user=request.user)[:200],
            "ack_form": AcknowledgementImportForm(),
        },
    )


@require_POST
@can_use
def packet_start(request: HttpRequest, school_pk: int, student_pk: int) -> HttpResponse:
    student = permissions.get_transfer_student_or_404(request.user, student_pk, school_pk)
    school = permissions.schools_for(request.user).get(pk=school_pk)
    packet = services.packet_draft(student=student, school=school, by=request.user)
    return redirect("transfers:detail", packet.pk)


def _refs(document: dict) -> list[tuple[str, str]]:
    labels = {
        f"section:{s}": _("Whole section: %(s)s") % {"s": t}
        for s, t in pdf.section_titles().items()
    }
    return [(ref, labels.get(ref, ref)) for ref in sorted(services.redactable_refs(document))]


def _context(request: HttpRequest, packet: TransferPacket) -> dict:
    user = request.user
    sender = permissions.is_packet_sender(user, packet)
    document = packet.content or build.build_document(packet)
    context = {
        "packet": packet,
        # Each note's body only for a reader at its level, here or at the other school.
        "doc": build.document_as_read(document, permissions.packet_note_reader(user, packet)),
        "is_sender": sender,
        "is_receiver": permissions.is_packet_receiver(user, packet),
        "may_approve": permissions.can_approve_packet(user, packet),
        "may_acknowledge": permissions.can_acknowledge_packet(user, packet),
    }
    if sender and packet.is_draft:
        context["review_form"] = ReviewForm(
            refs=_refs(document),
            initial={"excluded": packet.excluded, "consents": packet.consents},
        )
        context["notes_form"] = NotesForm(
            queryset=build.candidate_notes(packet),
            user=user,
            initial={"notes": list(packet.included_notes.values_list("pk", flat=True))},
        )
        context["approve_form"] = ApproveForm()
    if sender and packet.status == TransferPacket.Status.APPROVED:
        context["export_form"] = ExportForm(queryset=selectors.peers_for(packet=packet))
    if packet.status == TransferPacket.Status.HELD:
        context["confirm_form"] = ConfirmImportForm(
            queryset=selectors.import_students(packet=packet),
            initial={"student": packet.student_id},
        )
    return context


@can_use
def packet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One packet. The receiving team's first open is recorded as "viewed"; every open is
    in the access log."""
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    packet = services.packet_view(packet=packet, by=request.user)
    audit.access_log(user=request.user, obj=packet, student=packet.student, reason="transfer")
    return render(request, "transfers/packet.html", _context(request, packet))


def _run(request: HttpRequest, action, success: str, **kwargs) -> None:
    try:
        action(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@require_POST
@can_use
def packet_review(request: HttpRequest, pk: int) -> HttpResponse:
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    if not permissions.is_packet_sender(request.user, packet):
        raise PermissionDenied
    form = ReviewForm(request.POST, refs=_refs(build.build_document(packet)))
    if form.is_valid():
        _run(
            request,
            services.packet_review,
            _("Review saved."),
            packet=packet,
            by=request.user,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Some of the items to leave out are not in this packet."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
def packet_notes(request: HttpRequest, pk: int) -> HttpResponse:
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    if not permissions.can_approve_packet(request.user, packet):
        raise PermissionDenied
    form = NotesForm(request.POST, queryset=build.candidate_notes(packet), user=request.user)
    if form.is_valid():
        _run(
            request,
            services.packet_include_notes,
            _("Case notes chosen."),
            packet=packet,
            by=request.user,
            notes=form.cleaned_data["notes"],
        )
    else:
        messages.error(request, _("Choose notes from the list."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
@reauthentication_required
def packet_approve(request: HttpRequest, pk: int) -> HttpResponse:
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    if not permissions.can_approve_packet(request.user, packet):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.packet_approve,
            _("Approved. The packet can now be sent."),
            packet=packet,
            by=request.user,
            note_level=form.cleaned_data["note_level"],
        )
    else:
        messages.error(request, _("Choose which levels of case notes may leave."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
@reauthentication_required
def packet_send(request: HttpRequest, pk: int) -> HttpResponse:
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    if not permissions.is_packet_sender(request.user, packet):
        raise PermissionDenied
    _run(
        request,
        services.packet_send_within_district,
        _("Sent. It reaches the next school's queue when the student is enrolled there."),
        packet=packet,
        by=request.user,
    )
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
def packet_accept(request: HttpRequest, pk: int) -> HttpResponse:
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    if not permissions.is_packet_receiver(request.user, packet):
        raise PermissionDenied
    services.packet_accept(packet=packet, by=request.user)
    messages.success(request, _("Accepted. The student's chronology now links to it."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
def packet_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    if not permissions.can_acknowledge_packet(request.user, packet):
        raise PermissionDenied
    services.packet_acknowledge(packet=packet, by=request.user)
    messages.success(request, _("Receipt acknowledged. The sending school can see it."))
    return redirect("transfers:detail", packet.pk)


@can_use
def packet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The human-readable copy, as an attachment; the download is logged."""
    packet = permissions.get_transfer_packet_or_404(request.user, pk)
    audit.access_log(
        user=request.user,
        obj=packet,
        student=packet.student,
        action="download",
        reason="transfer pdf",
    )
    response = HttpResponse(
        pdf.render(
            packet.content or build.build_document(packet),
            reads=permissions.packet_note_reader(request.user, packet),
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="transfer-packet-{packet.pk}.pdf"'
    return response
