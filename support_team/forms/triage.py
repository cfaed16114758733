"""Forms of the queue and the intake page: the queue's filters (a GET form) and one form per
triage action. Model choices use the Safe* fields, so a garbage id is a form error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from schoolwell.models import Category, User
from support_team.models import Case, CloseReason, Intake
from support_team.selectors import QueueFilters
from support_team.services.triage import DECIDED_ELSEWHERE


class QueueFilterForm(forms.Form):
    """The queue's URL parameters. A value that is not valid (another school, an unknown
    urgency) is dropped, and the form shows what is actually applied."""

    school = forms.TypedChoiceField(label=_("School"), coerce=int, required=False)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        coerce=int,
        required=False,
        choices=[("", _("Any urgency")), *Intake.Urgency.choices],
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any source")), *Intake.Source.choices],
    )
    unclaimed = forms.BooleanField(label=_("Unclaimed only"), required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("All my schools"))] + [
            (s.pk, s.name) for s in schools
        ]
        self.several_schools = len(schools) > 1

    @classmethod
    def from_query(cls, query, *, schools) -> "QueueFilterForm":
        """An unbound form showing only the valid parameters of `query`, with `.filters`."""
        bound = cls(query, schools=schools)
        bound.is_valid()
        valid = {name: value for name, value in bound.cleaned_data.items() if value not in ("",)}
        form = cls(initial=valid, schools=schools)
        form.filters = QueueFilters(
            school=valid.get("school"),
            urgency=valid.get("urgency"),
            source=valid.get("source", ""),
            unclaimed=bool(valid.get("unclaimed")),
        )
        return form


class AssignForm(forms.Form):
    to = SafeModelChoiceField(label=_("Give it to"), queryset=User.objects.none())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(pk__in=[m.pk for m in members])
        self.fields["to"].label_from_instance = str


class UrgencyForm(forms.Form):
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int, choices=Intake.Urgency.choices)


class CaseForm(forms.Form):
    """Tier and needs apply when a new case is opened; joining the open case adds the needs."""

    tier = forms.TypedChoiceField(
        label=_("Tier of support (for a new case)"),
        coerce=int,
        choices=Case.Tier.choices,
        initial=Case.Tier.UNIVERSAL,
    )
    needs = SafeModelMultipleChoiceField(
        label=_("Needs"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = Category.objects.filter(active=True)


class RouteForm(forms.Form):
    service = SafeModelChoiceField(label=_("School service"), queryset=None)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[c for c in CloseReason.choices if c[0] not in DECIDED_ELSEWHERE],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the reason is Other. The team sees it; the teacher does not."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == CloseReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why, when the reason is Other."))
        return cleaned
