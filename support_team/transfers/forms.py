"""Forms of the transfer pages. Model choices use the Safe fields, so a garbage id is a form
error, never a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell import permissions
from schoolwell.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from support_team.models.cases import withheld_label
from support_team.transfers.envelope import MAX_FILE_BYTES
from support_team.transfers.models import TransferPacket


class ReviewForm(forms.Form):
    excluded = forms.MultipleChoiceField(
        label=_("Leave out"), required=False, widget=forms.CheckboxSelectMultiple
    )
    consents = forms.CharField(
        label=_("Consents on file"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. 'Parent agreed to share with the next school'."),
    )

    def __init__(self, *args, refs: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded"].choices = refs


class NotesForm(forms.Form):
    notes = SafeModelMultipleChoiceField(
        label=_("Case notes to add, one by one"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].queryset = queryset
        self.fields["notes"].label_from_instance = lambda n: (
            f"{n.get_level_display()} · {n.written_at:%Y-%m-%d} · {_note_start(n, user)}"
        )


def _note_start(note, user) -> str:
    """The start of a note's body for a reader at its level; the placeholder for anyone
    else (the approving lead reads every level at their school, but the rule decides)."""
    own = user is not None and note.author_id == user.pk
    levels = permissions.note_levels(user, note.case) if user is not None else set()
    if permissions.may_read_note(levels, note.level, own=own):
        return note.body[:80]
    return withheld_label(note.level)


class ApproveForm(forms.Form):
    note_level = forms.ChoiceField(
        label=_("Highest level of case note that may leave"),
        choices=TransferPacket.NoteLevel.choices,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    # Asked only when a chosen note is above the level: the service refuses without it.
    leave_out_above = forms.BooleanField(
        label=_("Yes, leave the chosen notes above this level out of the packet"),
        required=False,
    )


class LeftForm(forms.Form):
    """The team records that a student has left: which of its schools, when, and where to."""

    school = SafeModelChoiceField(
        label=_("School the student left"), queryset=None, empty_label=None
    )
    left_on = forms.DateField(
        label=_("Last day at the school"), widget=forms.DateInput(attrs={"type": "date"})
    )
    destination = forms.CharField(
        label=_("Where the student went"),
        max_length=150,
        help_text=_("The new school, or the district if the school is not known yet."),
        widget=forms.TextInput(attrs={"list": "destinations", "autocomplete": "off"}),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class ExportForm(forms.Form):
    peer = SafeModelChoiceField(label=_("Receiving district"), queryset=None)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = queryset


class _FileForm(forms.Form):
    file = forms.FileField(label=_("Transfer file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload.read()


class ImportForm(_FileForm):
    school = SafeModelChoiceField(label=_("Receiving school"), queryset=None)
    passphrase = forms.CharField(
        label=_("Passphrase"),
        required=False,
        max_length=100,
        help_text=_("Only if the sender gave you one (files sealed without your key)."),
        widget=forms.PasswordInput(render_value=False),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        only = list(schools[:2])
        if len(only) == 1:
            self.fields["school"].initial = only[0].pk


class ConfirmImportForm(forms.Form):
    student = SafeModelChoiceField(label=_("Which of your students is this?"), queryset=None)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = queryset


class AcknowledgementImportForm(_FileForm):
    file = forms.FileField(label=_("Receipt file from the receiving district"))
