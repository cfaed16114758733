"""The legacy spreadsheet import in the browser: upload, preview with every problem by line,
change the column mapping, confirm. Nothing is imported before the confirmation, and then
everything or nothing."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from concerns import legacy_import
from concerns.import_forms import ConcernImportForm, MappingForm, MemoryOnlyUploadHandler
from concerns.models import ConcernImport
from schoolwell import permissions


def _get_import(request: HttpRequest, pk: int) -> ConcernImport:
    """The import, without its table: the page shows the stored preview; a remap loads the
    table when it needs it, the confirmation locks and loads the row itself."""
    imports = permissions.concern_imports_for(request.user).select_related("school")
    return permissions.get_for_user_or_404(imports.defer("table"), pk=pk)


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
    imports = permissions.concern_imports_for(request.user).select_related("school")
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
    if request.method == "POST" and record.status == ConcernImport.Status.PREVIEW:
        action = request.POST.get("action")
        if action == "confirm":
            record = legacy_import.concern_import_confirm(record=record)
            _say_result(request, record)
            return redirect("concerns:import_detail", pk=record.pk)
        if action == "remap":
            form = MappingForm(request.POST, columns=columns, prefix="map")
            if form.is_valid():
                legacy_import.concern_import_remap(record=record, mapping=form.cleaned_data)
                return redirect("concerns:import_detail", pk=record.pk)
    return render(
        request,
        "concerns/import_detail.html",
        {
            "record": record,
            "preview": preview,
            "form": form,
            "can_confirm": record.status == ConcernImport.Status.PREVIEW
            and not record.problems
            and record.row_count > 0,
        },
    )


def _say_result(request: HttpRequest, record: ConcernImport) -> None:
    if record.status == ConcernImport.Status.IMPORTED:
        count = record.imported_count
        text = ngettext("Imported %(count)s concern.", "Imported %(count)s concerns.", count)
        messages.success(request, text % {"count": count})
    else:
        messages.error(request, _("Nothing was imported: see the problems below."))
