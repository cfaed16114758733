"""Mounted at /transfers/ (namespace "transfers")."""

from django.urls import path

from schoolwell import converters  # noqa: F401  (registers <id:...>)
from support_team.views import transfer_exchange as exchange
from support_team.views import transfers

app_name = "transfers"

urlpatterns = [
    path("", transfers.transfer_list, name="list"),
    path("start/<id:school_pk>/<id:student_pk>/", transfers.packet_start, name="start"),
    path("left/<id:student_pk>/", transfers.student_left, name="left"),
    path("import/", exchange.packet_import, name="import"),
    path("receipts/", exchange.receipt_import, name="receipt_import"),
    path("<id:pk>/", transfers.packet_detail, name="detail"),
    path("<id:pk>/review/", transfers.packet_review, name="review"),
    path("<id:pk>/notes/", transfers.packet_notes, name="notes"),
    path("<id:pk>/approve/", transfers.packet_approve, name="approve"),
    path("<id:pk>/send/", transfers.packet_send, name="send"),
    path("<id:pk>/accept/", transfers.packet_accept, name="accept"),
    path("<id:pk>/acknowledge/", transfers.packet_acknowledge, name="acknowledge"),
    path("<id:pk>/pdf/", transfers.packet_pdf, name="pdf"),
    path("<id:pk>/export/", exchange.packet_export, name="export"),
    path("<id:pk>/export/file/", exchange.packet_export_file, name="export_file"),
    path("<id:pk>/receipt/", exchange.packet_receipt_file, name="receipt_file"),
    path("<id:pk>/confirm/", exchange.packet_import_confirm, name="confirm"),
    path("<id:pk>/discard/", exchange.packet_import_discard, name="discard"),
]
