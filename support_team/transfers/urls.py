"""Mounted at /transfers/ (namespace "transfers") by schoolwell/urls.py."""

from django.urls import path

from schoolwell import converters  # noqa: F401  (registers <id:...>)
from support_team.transfers.views import exchange, packets

app_name = "transfers"

urlpatterns = [
    path("", packets.transfer_list, name="list"),
    path("start/<id:school_pk>/<id:student_pk>/", packets.packet_start, name="start"),
    path("left/<id:student_pk>/", packets.student_left, name="left"),
    path("import/", exchange.packet_import, name="import"),
    path("receipts/", exchange.receipt_import, name="receipt_import"),
    path("<id:pk>/", packets.packet_detail, name="detail"),
    path("<id:pk>/review/", packets.packet_review, name="review"),
    path("<id:pk>/notes/", packets.packet_notes, name="notes"),
    path("<id:pk>/approve/", packets.packet_approve, name="approve"),
    path("<id:pk>/send/", packets.packet_send, name="send"),
    path("<id:pk>/accept/", packets.packet_accept, name="accept"),
    path("<id:pk>/acknowledge/", packets.packet_acknowledge, name="acknowledge"),
    path("<id:pk>/pdf/", packets.packet_pdf, name="pdf"),
    path("<id:pk>/export/", exchange.packet_export, name="export"),
    path("<id:pk>/export/file/", exchange.packet_export_file, name="export_file"),
    path("<id:pk>/receipt/", exchange.packet_receipt_file, name="receipt_file"),
    path("<id:pk>/confirm/", exchange.packet_import_confirm, name="confirm"),
    path("<id:pk>/discard/", exchange.packet_import_discard, name="discard"),
]
