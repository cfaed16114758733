"""School and district administrators run the OneRoster import from the browser too. The
upload is kept privately until the import task has read it; the page shows its progress."""

import uuid

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from schoolwell import permissions, tasks
from schoolwell.models import RosterImport

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
UPLOAD_DIR = settings.DATA_DIR / "private" / "roster-uploads"


class RosterUploadForm(forms.Form):
    bundle = forms.FileField(
        label=_("OneRoster bundle (.zip)"),
        help_text=_(
            "The CSV bundle your student information system exports: OneRoster 1.1 or 1.2."
        ),
    )

    def clean_bundle(self):
        bundle = self.cleaned_data["bundle"]
        if bundle.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("This file is larger than 200 MB."))
        if bundle.read(4) != b"PK\x03\x04":
            raise forms.ValidationError(_("This is not a zip file. Upload the bundle as a .zip."))
        bundle.seek(0)
        return bundle


def _queue(upload, user) -> RosterImport:
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"{uuid.uuid4().hex}.zip"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    record = RosterImport.objects.create(source_name=upload.name[:255], started_by=user)
    tasks.roster_import_task.enqueue(record.pk, str(path))
    return record


@permissions.require(permissions.can_import_roster)
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = _queue(form.cleaned_data["bundle"], request.user)
        return redirect("roster_import_detail", pk=record.pk)
    imports = permissions.roster_imports_for(request.user)[:20]
    return render(request, "schoolwell/roster_import.html", {"form": form, "imports": imports})


@permissions.require(permissions.can_import_roster)
def roster_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = permissions.get_for_user_or_404(permissions.roster_imports_for(request.user), pk=pk)
    template = "schoolwell/roster_import_detail.html"
    if request.headers.get("HX-Request"):
        template += "#status"
    return render(
        request, template, {"record": record, "progress": tasks.import_progress(record.pk)}
    )
