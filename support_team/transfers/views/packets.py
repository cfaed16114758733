"""Transfer packet pages within the district: the list, one packet (draft review, approval,
sending; receiving, accepting, acknowledging), and its PDF. Every open and download is
logged; approving and sending need a fresh re-authentication (allauth)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import permissions
from schoolwell.models import School
from support_team.transfers import build, clock, leaving, pdf, review, selectors, services
from support_team.transfers.forms import (
    AcknowledgementImportForm,
    ApproveForm,
    ConfirmImportForm,
    ExportForm,
    LeftForm,
    NotesForm,
    ReviewForm,
)
from support_team.transfers.models import TransferPacket

can_use = permissions.require(permissions.can_use_transfers)


@can_use
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Packets going out, packets coming in, and students who left without one."""
    outgoing = list(selectors.outgoing_for(user=request.user)[:200])
    incoming = list(selectors.incoming_for(user=request.user)[:200])
    clock.annotate_ack_clocks(outgoing + incoming)
    return render(
        request,
        "transfers/list.html",
        {
            "outgoing": outgoing,
            "incoming": incoming,
            "departed": selectors.departed_without_packet(user=request.user)[:200],
            "ack_form": AcknowledgementImportForm(),
        },
    )


@require_POST
@can_use
def packet_start(request: HttpRequest, school_pk: int, student_pk: int) -> HttpResponse:
    student = selectors.transfer_student_for(request.actor, student_pk, school_pk)
    school = permissions.schools_for(request.user).get(pk=school_pk)
    packet = services.packet_draft(student=student, school=school, by=request.user)
    return redirect("transfers:detail", packet.pk)


def _refs(document: dict) -> list[tuple[str, str]]:
    return review.leave_out_choices(document)


def _approve_context(packet: TransferPacket, bound: dict | None) -> dict:
    """The approval form as the page draws it: each level with the chosen notes it would
    leave behind, the level already picked, and (after a refusal) the reason beside it."""
    warnings = review.level_warnings(packet)
    level = (bound or {}).get("note_level", review.highest_chosen_level(packet))
    return {
        "approve_form": ApproveForm(),
        "chosen_notes": review.chosen_notes(packet),
        "level_options": [
            (value, label, warnings.get(value, []))
            for value, label in TransferPacket.NoteLevel.choices
        ],
        "approve_level": level,
        "approve_error": (bound or {}).get("error", ""),
    }


def _context(request: HttpRequest, packet: TransferPacket, approve: dict | None = None) -> dict:
    user = request.user
    sender = packet.can.send
    document = packet.content or build.build_document(packet)
    clock.annotate_ack_clocks([packet])
    # Each note's body only for a reader at its level, here or at the other school.
    shown = build.document_as_read(document, selectors.packet_note_reader(user, packet))
    context = {
        "packet": packet,
        "doc": review.for_display(shown),
        "left": leaving.departure(packet),
        "is_sender": sender,
        "is_receiver": packet.can.receive,
        "may_approve": packet.can.approve,
        "may_acknowledge": packet.can.acknowledge,
    }
    if sender and packet.is_draft:
        everything = build.build_document(packet, redact=False)
        context["review_form"] = ReviewForm(
            refs=_refs(everything),
            initial={"excluded": packet.excluded, "consents": packet.consents},
        )
        context["leave_out"] = review.leave_out_groups(everything)
        context["notes_form"] = NotesForm(
            queryset=build.candidate_notes(packet),
            user=user,
            initial={"notes": list(packet.included_notes.values_list("pk", flat=True))},
        )
        if context["may_approve"]:
            context |= _approve_context(packet, approve)
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
    services.packet_view(packet=selectors.packet_for(request.actor, pk), by=request.user)
    packet = selectors.packet_for(request.actor, pk, read="transfer")
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
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.send:
        raise PermissionDenied
    form = ReviewForm(request.POST, refs=_refs(build.build_document(packet, redact=False)))
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
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.approve:
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
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.approve:
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which levels of case notes may leave."))
        return redirect("transfers:detail", packet.pk)
    try:
        services.packet_approve(packet=packet, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        if error.code != services.NOTES_ABOVE_LEVEL:
            messages.error(request, " ".join(error.messages))
            return redirect("transfers:detail", packet.pk)
        # Shown beside the approval form, with the level the lead picked still picked.
        bound = {"note_level": form.cleaned_data["note_level"], "error": error.messages[0]}
        packet = selectors.packet_for(request.actor, pk, read="transfer")  # shown again
        return render(
            request, "transfers/packet.html", _context(request, packet, bound), status=400
        )
    messages.success(request, _("Approved. The packet can now be sent."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
@reauthentication_required
def packet_send(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.send:
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
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.receive:
        raise PermissionDenied
    services.packet_accept(packet=packet, by=request.user)
    messages.success(request, _("Accepted. The student's chronology now links to it."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
def packet_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.acknowledge:
        raise PermissionDenied
    services.packet_acknowledge(packet=packet, by=request.user)
    messages.success(request, _("Receipt acknowledged. The sending school can see it."))
    return redirect("transfers:detail", packet.pk)


@can_use
def packet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The human-readable copy, as an attachment; the download is logged."""
    packet = selectors.packet_for(request.actor, pk, read="transfer pdf", action="download")
    # Printed where the reader is: the receiving school's district for its team.
    school = packet.to_school if packet.can.receive else None
    response = HttpResponse(
        pdf.render(
            packet.content or build.build_document(packet),
            reads=selectors.packet_note_reader(request.user, packet),
            paper=pdf.paper_for((school or packet.from_school or packet.to_school).district),
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="transfer-packet-{packet.pk}.pdf"'
    return response


@can_use
def student_left(request: HttpRequest, student_pk: int) -> HttpResponse:
    """The team records that a student has left one of its schools: the day and where to.
    Only a student enrolled now at one of the user's team schools has this page."""
    student = permissions.get_student_or_404(
        request.actor,
        student_pk,
        read="departure",
        only_if=lambda s: bool(leaving.current_enrollments(user=request.user, student=s)),
    )
    enrollments = leaving.current_enrollments(user=request.user, student=student)
    schools = School.objects.filter(pk__in=[e.school_id for e in enrollments])
    form = LeftForm(request.POST or None, schools=schools, initial={"left_on": localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                leaving.student_left(student=student, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Recorded: %(name)s has left. Start the transfer packet below.")
                    % {"name": student.display_name},
                )
                return redirect(reverse("transfers:list") + "#departed")
        status = 400
    return render(
        request,
        "transfers/left.html",
        {"student": student, "form": form, "destinations": leaving.destinations(schools)},
        status=status,
    )
