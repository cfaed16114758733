"""Forms of concerns: a concern and an observation on it; and the legacy spreadsheet import
(the upload, the column mapping, the date order and the confirmation)."""

import io
import uuid

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from concerns import legacy_import, selectors
from concerns.legacy_import.dates import both_readings
from concerns.models import NARRATIVE_MAX, Concern, ConcernImport
from schoolwell import permissions
from schoolwell.forms import IdempotencyKeyField, SafeModelChoiceField, SafeModelMultipleChoiceField

NARRATIVE_HINT = _("What I saw: … What was said (their words if you can): … What I did: …")


class StudentChoiceField(SafeModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.display_name} · {student.sis_id} · {_('grade')} {student.grade}"


class ConcernForm(forms.Form):
    """A concern in one screen. The student list is limited to the reporter's school on the
    server, so a crafted POST naming another school's student is a form error."""

    student = StudentChoiceField(
        queryset=None,
        label=_("Student"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a student from your school.")},
    )
    categories = SafeModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("What is it about?"),
        error_messages={"required": _("Tick at least one category.")},
    )
    severity = forms.ChoiceField(
        choices=Concern.Severity.choices, widget=forms.RadioSelect, label=_("How worried are you?")
    )
    narrative = forms.CharField(
        label=_("What happened?"),
        max_length=NARRATIVE_MAX,
        help_text=NARRATIVE_HINT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    observed_on = forms.DateField(
        label=_("When"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    observed_place = forms.CharField(label=_("Where"), max_length=120, required=False)
    immediate_risk = forms.BooleanField(
        required=False,
        label=_("I think this student may be at immediate risk of harm"),
    )
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4())
        kwargs["initial"].setdefault("observed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = permissions.concern_students_for(user)
        self.fields["categories"].queryset = selectors.category_list()

    def clean_observed_on(self):
        observed_on = self.cleaned_data["observed_on"]
        if observed_on > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return observed_on


class ObservationForm(forms.Form):
    text = forms.CharField(
        label=_("What else have you noticed?"),
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- the legacy spreadsheet import ---------------------------------------------------------


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps an upload in memory up to the import's size cap, never in a temporary file
    (the file holds student information); past the cap the bytes are dropped as they come."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = bytearray()
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if len(self.buffer) + len(raw_data) > legacy_import.MAX_FILE_BYTES:
            self.too_large = True
            self.buffer = bytearray()
        elif not self.too_large:
            self.buffer += raw_data
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.too_large:
            return None
        return InMemoryUploadedFile(
            file=io.BytesIO(bytes(self.buffer)),
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class ConcernImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        required=False,
        help_text=_(
            "A CSV file or an Excel workbook (.xlsx; the first sheet is read), up to 20 MB and "
            "50,000 rows, with a header row."
        ),
    )
    school = SafeModelChoiceField(queryset=None, label=_("School"), empty_label=None)

    def __init__(self, *args, user, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["school"].queryset = permissions.schools_for(
            user, permissions.LEGACY_IMPORT_ROLES
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload and upload.size > legacy_import.MAX_FILE_BYTES):
            raise forms.ValidationError(
                _("This file is larger than 20 MB. Split it into smaller files.")
            )
        if not upload:
            raise forms.ValidationError(_("Choose the spreadsheet to import."))
        return upload


class MappingForm(forms.Form):
    """Which column holds what: one select per field, offering the file's own columns."""

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in this file)"))] + [(c, c) for c in columns]
        for name, (label, _synonyms) in legacy_import.FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)


class DateOrderForm(forms.Form):
    """How the file's numeric dates are written: asked once for the whole file, each choice
    showing what it makes of a date from the file (example: its text)."""

    date_order = forms.ChoiceField(
        label=_("How are the dates in this file written?"),
        choices=ConcernImport.DateOrder.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, example: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        month_first, day_first = both_readings(example)
        labels = []
        for value, label in ConcernImport.DateOrder.choices:
            reading = day_first if value == ConcernImport.DateOrder.DAY_FIRST else month_first
            if reading is not None:
                label = _("%(order)s: %(text)s is %(date)s") % {
                    "order": label,
                    "text": example,
                    "date": date_format(reading, "j F Y"),
                }
            labels.append((value, label))
        self.fields["date_order"].choices = labels


class ConfirmForm(forms.Form):
    """What the preview flagged and the user may still want imported."""

    again = forms.BooleanField(label=_("Import this file again"), required=False)
    include_duplicates = forms.BooleanField(label=_("Import these anyway"), required=False)
