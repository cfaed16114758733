"""Mounted at /transfers/ (namespace "transfers")."""

from django.urls import path

from support_team.views import transfer_exchange as exchange
from support_team.views import transfers

app_name = "transfers"

urlpatterns = [
    path("", transfers.transfer_list, name="list"),
    path("start/<int:school_pk>/<int:student_pk>/", transfers.packet_start, name="start"),
    path("import/", exchange.packet_import, name="import"),
    path("receipts/", exchange.receipt_import, name="receipt_import"),
    path("<int:pk>/", transfers.packet_detail, name="detail"),
    path("<int:pk>/review/", transfers.packet_review, name="review"),
    path("<int:pk>/notes/", transfers.packet_notes, name="notes"),
    path("<int:pk>/approve/", transfers.packet_approve, name="approve"),
    path("<int:pk>/send/", transfers.packet_send, name="send"),
    path("<int:pk>/accept/", transfers.packet_accept, name="accept"),
    path("<int:pk>/acknowledge/", transfers.packet_acknowledge, name="acknowledge"),
    path("<int:pk>/pdf/", transfers.packet_pdf, name="pdf"),
    path("<int:pk>/export/", exchange.packet_export, name="export"),
    path("<int:pk>/export/file/", exchange.packet_export_file, name="export_file"),
    path("<int:pk>/receipt/", exchange.packet_receipt_file, name="receipt_file"),
    path("<int:pk>/confirm/", exchange.packet_import_confirm, name="confirm"),
    path("<int:pk>/discard/", exchange.packet_import_discard, name="discard"),
]
