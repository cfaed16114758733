"""School and district administrators run the OneRoster import from the browser too."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from schoolwell import permissions, roster

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


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


@permissions.require(permissions.can_import_roster)
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = roster.import_upload(form.cleaned_data["bundle"], started_by=request.user)
        return redirect("roster_import_detail", pk=record.pk)
    imports = permissions.roster_imports_for(request.user)[:20]
    return render(request, "schoolwell/roster_import.html", {"form": form, "imports": imports})


@permissions.require(permissions.can_import_roster)
def roster_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = permissions.get_for_user_or_404(permissions.roster_imports_for(request.user), pk=pk)
    return render(request, "schoolwell/roster_import_detail.html", {"record": record})
