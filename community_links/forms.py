from django import forms
from django.utils.translation import gettext_lazy as _

from community_links.models import Referral, Resource
from community_links.models.directory import GRADE_CHOICES, WEB_URL
from community_links.selectors.directory import language_choices
from community_links.units import Units
from schoolwell.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from schoolwell.models import Category


class SearchForm(forms.Form):
    NEAR_CHOICES = [
        ("", _("Anywhere")),
        ("school", _("The school")),
        ("postcode", _("A postcode (e.g. the student's area)")),
    ]

    need = SafeModelChoiceField(
        Category.objects.filter(active=True),
        required=False,
        label=_("Need"),
        empty_label=_("Any need"),
    )
    language = forms.ChoiceField(required=False, label=_("Language spoken"))
    age = forms.IntegerField(required=False, min_value=0, max_value=120, label=_("Age"))
    grade = forms.ChoiceField(
        required=False, choices=[("", _("Any grade"))] + GRADE_CHOICES, label=_("Grade")
    )
    open_now = forms.BooleanField(required=False, label=_("Open now"))
    near = forms.ChoiceField(required=False, choices=NEAR_CHOICES, label=_("Distance from"))
    postcode = forms.CharField(required=False, max_length=20, label=_("Postcode"))
    # In the district's unit (km or miles); the view converts it to km.
    within = forms.FloatField(required=False, min_value=0.1, max_value=500)
    q = forms.CharField(required=False, max_length=100, label=_("Words"))

    def __init__(self, *args, units: Units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]
        self.fields["near"].choices = [
            (value, units.near_postcode if value == "postcode" else label)
            for value, label in self.NEAR_CHOICES
        ]
        self.fields["postcode"].label = units.postcode_label
        self.fields["within"].label = units.within_label

    def clean(self):
        data = super().clean()
        if data.get("near") == "postcode" and not data.get("postcode"):
            self.add_error("postcode", self.units.postcode_missing)
        return data


class ReferralForm(forms.Form):
    resources = SafeModelMultipleChoiceField(
        Resource.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Refer to"),
    )
    need = SafeModelChoiceField(
        Category.objects.filter(active=True),
        required=False,
        label=_("The need"),
        empty_label=_("Not said"),
    )
    consent_by = forms.ChoiceField(
        choices=Referral.ConsentBy.choices,
        widget=forms.RadioSelect,
        required=False,
        label=_("Who consented"),
    )
    # Offered when the student has guardians on file; the view passes them in.
    consent_guardian = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, label=_("Which family member consented")
    )
    consent_name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Name of the person who consented"),
        help_text=_("For example the parent's name, or the student's."),
    )
    share_name = forms.BooleanField(required=False, initial=True, label=_("The student's name"))
    share_need = forms.BooleanField(required=False, initial=True, label=_("The need"))
    share_contact = forms.BooleanField(required=False, label=_("How to contact the family"))
    contact_route = forms.CharField(
        max_length=200,
        required=False,
        label=_("Contact route"),
        help_text=_("How the partner may reach the family, e.g. 'call mother on 555-0101'."),
    )
    contacts_family = forms.BooleanField(
        required=False, label=_("The partner will contact the family directly")
    )
    do_not_contact_checked = forms.BooleanField(
        required=False,
        label=_('I have checked the "don\'t contact home" flag and the contact route is safe'),
    )
    share_note = forms.BooleanField(
        required=False, label=_("The note below (the partner reads it only if ticked)")
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label=_("Note"),
        help_text=_(
            "Read by the school's support team; the partner organisation reads it too only if "
            "you share it above. Case notes are never shared."
        ),
    )

    def __init__(self, *args, resources=None, guardians=(), **kwargs):
        super().__init__(*args, **kwargs)
        if resources is not None:
            self.fields["resources"].queryset = resources
        self.guardians = {str(g.pk): g for g in guardians}
        if self.guardians:
            self.fields["consent_guardian"].choices = [
                *((pk, guardian_label(g)) for pk, g in self.guardians.items()),
                ("", _("Someone else: write their name below")),
            ]
            self.fields["consent_name"].help_text = _(
                "Filled in from the guardian you pick; for someone else, write their name."
            )
        else:
            del self.fields["consent_guardian"]

    def clean(self):
        """A guardian picked from the file gives the family's consent under their own name;
        anyone else is named by hand."""
        data = super().clean()
        guardian = self.guardians.get(data.get("consent_guardian") or "")
        if guardian is not None:
            if data.get("consent_by") == Referral.ConsentBy.STUDENT:
                self.add_error(
                    "consent_guardian",
                    _("A guardian gives the family's consent: pick “The family” above."),
                )
            data["consent_by"] = Referral.ConsentBy.FAMILY
            data["consent_name"] = (data.get("consent_name") or "").strip() or str(guardian)
        else:
            if not data.get("consent_by") and "consent_by" not in self.errors:
                self.add_error("consent_by", _("Say who consented."))
            if not (data.get("consent_name") or "").strip() and "consent_name" not in self.errors:
                self.add_error("consent_name", _("Write the name of the person who consented."))
        return data

    def referral_values(self) -> dict:
        """What services.referral_send takes (the guardian picked is already a name)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "consent_guardian"}


def guardian_label(guardian) -> str:
    name = f"{guardian.first_name} {guardian.last_name}".strip()
    if guardian.relationship:
        name = _("%(name)s (%(relationship)s)") % {
            "name": name,
            "relationship": guardian.relationship,
        }
    if guardian.do_not_contact:
        return _("%(guardian)s: don't contact home") % {"guardian": name}
    return name


class StatusForm(forms.Form):
    """A status change with a note. The team's note stays with the team unless `share` is
    ticked (off by default); a partner's note is always read by the school's team, so the
    partner's form has no such box and says so."""

    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note"),
        help_text=_("Read by the school's support team only, unless you share it below."),
    )
    share = forms.BooleanField(
        required=False,
        label=_("Share this note with the partner"),
        help_text=_("The partner organisation, and anyone holding its e-mailed link, reads it."),
    )

    def __init__(self, *args, partner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = Referral.Status.choices
        if partner:
            choices = [c for c in choices if c[0] not in ("withdrawn", "sent")]
            del self.fields["share"]
            self.fields["note"].help_text = _("The school's support team reads your note.")
        self.fields["status"].choices = choices


class ResourceProposalForm(forms.ModelForm):
    url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[WEB_URL],
        label=_("Website"),
    )

    class Meta:
        model = Resource
        fields = [
            "description",
            "application_process",
            "fees_description",
            "eligibility_description",
            "language_codes",
            "url",
            "email",
        ]
