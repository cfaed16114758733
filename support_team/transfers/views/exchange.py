"""Transfer packets between districts: export (a signed, encrypted file, after a fresh
re-authentication), import (upload, verify, preview, confirm) and the receipt file that
closes the loop. Every download is logged."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import permissions
from support_team.transfers import exchange, selectors
from support_team.transfers.forms import (
    AcknowledgementImportForm,
    ConfirmImportForm,
    ExportForm,
    ImportForm,
)
from support_team.transfers.models import TransferPacket

can_use = permissions.require(permissions.can_use_transfers)


def _attachment(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@can_use
@reauthentication_required
def packet_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Seal the packet for another district. A one-time passphrase is shown on this page
    only, never stored: it must reach the receiver another way (phone)."""
    packet = selectors.packet_for(request.actor, pk)
    if not packet.can.send:
        raise PermissionDenied
    form = ExportForm(request.POST, queryset=selectors.peers_for(packet=packet))
    if not form.is_valid():
        messages.error(request, _("Choose the receiving district."))
        return redirect("transfers:detail", packet.pk)
    try:
        _data, passphrase = exchange.packet_export(
            packet=packet, by=request.user, peer=form.cleaned_data["peer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("transfers:detail", packet.pk)
    packet.refresh_from_db()
    return render(
        request, "transfers/export_done.html", {"packet": packet, "passphrase": passphrase}
    )


@can_use
def packet_export_file(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for(
        request.actor,
        pk,
        read="transfer export file",
        action="download",
        only_if=lambda p: p.can.send and bool(p.export_file),
    )
    return _attachment(packet.export_file, f"transfer-packet-{packet.uid}.swtp")


@can_use
def packet_receipt_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed receipt for the sending district, once our lead has acknowledged."""
    packet = selectors.packet_for(
        request.actor,
        pk,
        read="transfer receipt",
        action="download",
        only_if=lambda p: (
            p.can.receive
            and p.direction == TransferPacket.Direction.INCOMING
            and bool(p.acknowledged_at)
        ),
    )
    data = exchange.acknowledgement_export(packet=packet, by=request.user)
    return _attachment(data, f"transfer-receipt-{packet.remote_uid}.swtp")


@can_use
def packet_import(request: HttpRequest) -> HttpResponse:
    """Upload another district's file: it is verified, decrypted and checked against the
    schema before anything is written, then held for the team to confirm the student."""
    schools = permissions.schools_for(request.user, permissions.TEAM_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            packet = exchange.packet_import(
                data=form.cleaned_data["file"],
                school=form.cleaned_data["school"],
                by=request.user,
                passphrase=form.cleaned_data["passphrase"],
            )
        except exchange.ImportRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The file is genuine. Check the preview, then confirm."))
            return redirect("transfers:detail", packet.pk)
    return render(request, "transfers/import.html", {"form": form})


@require_POST
@can_use
def packet_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for(request.actor, pk)
    if packet.status != TransferPacket.Status.HELD:
        raise Http404
    form = ConfirmImportForm(request.POST, queryset=selectors.import_students(packet=packet))
    if form.is_valid():
        exchange.packet_import_confirm(
            packet=packet, by=request.user, student=form.cleaned_data["student"]
        )
        messages.success(request, _("Imported. The packet is in your queue."))
    else:
        messages.error(request, _("Choose one of your students."))
    return redirect("transfers:detail", packet.pk)


@require_POST
@can_use
def packet_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_for(request.actor, pk)
    if packet.status != TransferPacket.Status.HELD:
        raise Http404
    exchange.packet_import_discard(packet=packet, by=request.user)
    messages.success(request, _("The imported file was discarded; nothing of it was kept."))
    return redirect("transfers:list")


@require_POST
@can_use
def receipt_import(request: HttpRequest) -> HttpResponse:
    """The receiving district's signed receipt for a packet we exported."""
    form = AcknowledgementImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the receipt file."))
        return redirect("transfers:list")
    try:
        packet = exchange.acknowledgement_import(data=form.cleaned_data["file"], by=request.user)
    except exchange.ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("transfers:list")
    messages.success(request, _("Receipt recorded: the packet is acknowledged."))
    return redirect("transfers:detail", packet.pk)
