"""School and district administrators run the OneRoster import from the browser too. The
upload is kept privately until the import task has read it; the page shows its progress.
What the import may change is decided by the task from the uploader's roles (roster/scope.py);
the page shows the stored result, never parsing the bundle again."""

import uuid
import zipfile

from django import forms
from django.core.files.storage import storages
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from schoolwell import permissions, tasks
from schoolwell.access import reach
from schoolwell.models import RosterImport
from schoolwell.roster import limits
from schoolwell.roster.bundle import OPEN_ERRORS, zip_problems

MAX_UPLOAD_BYTES = limits.MAX_ZIP_BYTES


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Streams the upload to a temporary file up to MAX_UPLOAD_BYTES; past that, the rest is
    dropped as it arrives and the form says the file is too large, so an upload of any size
    fills neither memory nor the disk."""

    too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.too_large = True
        elif not self.too_large:
            super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        if self.too_large:
            self.upload_interrupted()  # closes and removes the temporary file
            return None
        return super().file_complete(file_size)


class RosterUploadForm(forms.Form):
    bundle = forms.FileField(
        label=gettext_lazy("OneRoster bundle (.zip)"),
        help_text=gettext_lazy(
            "The CSV bundle your student information system exports: OneRoster 1.1 or 1.2."
        ),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The upload handler dropped the file past the cap: say so, not "required".
        self.too_large = too_large
        self.fields["bundle"].required = not too_large

    def clean_bundle(self):
        bundle = self.cleaned_data["bundle"]
        if self.too_large or bundle.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("This file is larger than 200 MB."))
        if bundle.read(4) != b"PK\x03\x04":
            raise forms.ValidationError(_("This is not a zip file. Upload the bundle as a .zip."))
        # What the zip's directory says is checked here too (the import checks it again),
        # so that a zip bomb is refused before it is stored or queued.
        try:
            problems = zip_problems(bundle)
            if not problems:
                with zipfile.ZipFile(bundle) as archive:
                    problems = limits.directory_problems(archive.infolist(), None)
        except OPEN_ERRORS:
            raise forms.ValidationError(
                _("This zip file cannot be read. Export the bundle again.")
            ) from None
        if problems:
            raise forms.ValidationError(
                _("This zip is refused: %(reasons)s.") % {"reasons": "; ".join(problems)}
            )
        bundle.seek(0)
        return bundle


def _queue(upload, user) -> RosterImport:
    """Kept in the shared storage, not on this node's disk: the task worker that imports it
    may run on another node (it copies it to its own disk while it reads it: tasks.UPLOAD_DIR)."""
    name = storages["shared"].save(f"roster-uploads/{uuid.uuid4().hex}.zip", upload)
    record = RosterImport.objects.create(source_name=upload.name[:255], started_by=user)
    tasks.roster_import_task.enqueue(record.pk, tasks.SHARED + name)
    return record


@permissions.require(permissions.can_import_roster)
@csrf_exempt  # only so that the upload handler is set before the body is read: see below
def roster_import(request: HttpRequest) -> HttpResponse:
    handler = CappedUploadHandler(request)
    request.upload_handlers = [handler]
    return _roster_import(request, handler)


@csrf_protect
def _roster_import(request: HttpRequest, handler: CappedUploadHandler) -> HttpResponse:
    posted = request.method == "POST"
    form = (
        RosterUploadForm(request.POST, request.FILES, too_large=handler.too_large)
        if posted
        else RosterUploadForm()
    )
    if posted and form.is_valid():
        record = _queue(form.cleaned_data["bundle"], request.user)
        return redirect("roster_import_detail", pk=record.pk)
    imports = permissions.roster_imports_for(request.user)[:20]
    return render(request, "schoolwell/roster_import.html", {"form": form, "imports": imports})


@permissions.require(permissions.can_import_roster)
def roster_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = reach(permissions.roster_imports_for(request.actor), pk, actor=request.actor)
    template = "schoolwell/roster_import_detail.html"
    if request.headers.get("HX-Request"):
        template += "#status"
    return render(
        request, template, {"record": record, "progress": tasks.import_progress(record.pk)}
    )
