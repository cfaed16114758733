"""The legacy spreadsheet import in the browser: download the template, upload, preview with
every problem by line, what was imported before flagged, change the column mapping, choose
the date order, confirm. Nothing is imported before the confirmation, and then everything or
nothing."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from concerns import legacy_import
from concerns.access import concern_import_for
from concerns.forms import (
    ConcernImportForm,
    ConfirmForm,
    DateOrderForm,
    MappingForm,
    MemoryOnlyUploadHandler,
)
from concerns.legacy_import import template
from concerns.models import ConcernImport
from schoolwell import permissions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get_import(request: HttpRequest, pk: int) -> ConcernImport:
    return concern_import_for(request.actor, pk)


@permissions.require(permissions.can_import_concerns)
@csrf_exempt  # only so that the upload handler is set before the body is read: see below
def concern_import(request: HttpRequest) -> HttpResponse:
    handler = MemoryOnlyUploadHandler(request)
    request.upload_handlers = [handler]
    return _concern_import(request, handler)


@csrf_protect
def _concern_import(request: HttpRequest, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    form = ConcernImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        too_large=getattr(handler, "too_large", False),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = legacy_import.concern_import_start(
                started_by=request.user,
                school=form.cleaned_data["school"],
                file_name=upload.name,
                data=upload.read(),
            )
        except legacy_import.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("concerns:import_detail", pk=record.pk)
    imports = ConcernImport.objects.visible_to(request.actor).select_related("school")
    return render(
        request,
        "concerns/import.html",
        {"form": form, "imports": imports.defer("table", "preview", "problems")[:20]},
        status=400 if form.is_bound and form.errors else 200,
    )


@permissions.require(permissions.can_import_concerns)
def concern_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_import(request, pk)
    preview = legacy_import.concern_import_preview(record)
    columns = preview.columns if preview else []
    form = MappingForm(initial=record.mapping, columns=columns, prefix="map")
    example = (record.dates.get("either") or record.dates.get("day_first") or [0, ""])[1]
    order = record.date_order or record.dates.get("order", "")
    order_form = DateOrderForm(initial={"date_order": order}, example=example)
    if request.method == "POST" and record.status == ConcernImport.Status.PREVIEW:
        action = request.POST.get("action")
        if action == "confirm":
            return _confirm(request, record)
        if action == "remap":
            form = MappingForm(request.POST, columns=columns, prefix="map")
            if form.is_valid():
                legacy_import.concern_import_remap(record=record, mapping=form.cleaned_data)
                return redirect("concerns:import_detail", pk=record.pk)
        if action == "date_order":
            order_form = DateOrderForm(request.POST, example=example)
            if order_form.is_valid():
                legacy_import.concern_import_date_order(
                    record=record, order=order_form.cleaned_data["date_order"]
                )
                return redirect("concerns:import_detail", pk=record.pk)
    waiting = record.status == ConcernImport.Status.PREVIEW
    earlier = (
        legacy_import.earlier_import(school=record.school, file_hash=record.file_hash)
        if waiting
        else None
    )
    return render(
        request,
        "concerns/import_detail.html",
        {
            "record": record,
            "preview": preview,
            "form": form,
            "order_form": order_form,
            "confirm_form": ConfirmForm(),
            "earlier": earlier,
            "order_label": ConcernImport.DateOrder(order).label if order else "",
            # the date of the file that proves the order it was inferred to be
            "date_proof": record.dates.get("day_first") or record.dates.get("month_first"),
            "new_count": record.row_count - len(record.duplicates),
            "skipped_count": record.row_count - record.imported_count,
            "can_confirm": waiting
            and not record.problems
            and not record.dates.get("pending")
            and record.row_count > 0,
        },
    )


def _confirm(request: HttpRequest, record: ConcernImport) -> HttpResponse:
    form = ConfirmForm(request.POST)
    form.is_valid()  # two check boxes: never invalid, an unticked one is False
    try:
        record = legacy_import.concern_import_confirm(
            record=record,
            again=form.cleaned_data["again"],
            include_duplicates=form.cleaned_data["include_duplicates"],
        )
    except legacy_import.ImportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        _say_result(request, record)
    return redirect("concerns:import_detail", pk=record.pk)


@permissions.require(permissions.can_import_concerns)
@require_GET
def concern_import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The spreadsheet to start from, made on request (its categories are the current ones)."""
    if kind == "xlsx":
        data, content_type = template.template_xlsx(), XLSX
    else:
        data, content_type = template.template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="concerns-import-template.{kind}"'
    return response


def _say_result(request: HttpRequest, record: ConcernImport) -> None:
    if record.status == ConcernImport.Status.IMPORTED:
        count = record.imported_count
        text = ngettext("Imported %(count)s concern.", "Imported %(count)s concerns.", count)
        messages.success(request, text % {"count": count})
    else:
        messages.error(request, _("Nothing was imported: see the problems below."))
