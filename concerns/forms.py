import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concerns import selectors
from concerns.models import NARRATIVE_MAX, Concern
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
