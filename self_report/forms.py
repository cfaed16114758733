import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.forms import IdempotencyKeyField, SafeModelMultipleChoiceField
from schoolwell.models import Service
from self_report.models import OWN_WORDS_MAX, SelfReport

WELLBEING_SYMBOLS = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
NOT_NOW = ""


class SelfReportForm(forms.Form):
    """The whole check-in on one page, no JavaScript needed. Questions the editors left empty
    are not asked."""

    wellbeing = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (v, f"{WELLBEING_SYMBOLS[v]} {label}") for v, label in SelfReport.Wellbeing.choices
        ],
        error_messages={"required": _("Choose how you are this week.")},
    )
    sleep = forms.ChoiceField(
        choices=SelfReport.Answer.choices, widget=forms.RadioSelect, required=False
    )
    eating = forms.ChoiceField(
        choices=SelfReport.Answer.choices, widget=forms.RadioSelect, required=False
    )
    trusted_adult = forms.ChoiceField(
        choices=SelfReport.Answer.choices, widget=forms.RadioSelect, required=False
    )
    hurting_self = forms.BooleanField(
        required=False, label=_("I have thought about hurting myself")
    )
    unsafe_at_home = forms.BooleanField(required=False, label=_("I do not feel safe at home"))
    services = SafeModelMultipleChoiceField(
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Help you can ask for"),
    )
    talk_when = forms.ChoiceField(
        choices=[*SelfReport.TalkWhen.choices, (NOT_NOW, _("Not now"))],
        widget=forms.RadioSelect,
        required=False,
        label=_("I'd like to talk to someone"),
    )
    talk_with = forms.ChoiceField(
        choices=SelfReport.TalkWith.choices,
        widget=forms.RadioSelect,
        required=False,
        label=_("Who would you like to talk to?"),
    )
    own_words = forms.CharField(
        max_length=OWN_WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, page, services, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        kwargs.setdefault("label_suffix", "")  # editors' questions carry their own punctuation
        super().__init__(*args, **kwargs)
        self.fields["wellbeing"].label = page.wellbeing_question
        # Built per form, in the student's language (choice labels set at import would be
        # frozen in whatever language was active then).
        self.fields["wellbeing"].choices = [
            (value, f"{WELLBEING_SYMBOLS[value]} {label}")
            for value, label in SelfReport.Wellbeing.choices
        ]
        self.fields["own_words"].label = page.own_words_prompt
        self.fields["services"].queryset = services
        self.fields["services"].label = page.services_intro
        for name, question in (
            ("sleep", page.question_sleep),
            ("eating", page.question_eating),
            ("trusted_adult", page.question_adult),
        ):
            if question:
                self.fields[name].label = question
            else:
                del self.fields[name]

    def clean_own_words(self):
        text = self.cleaned_data["own_words"]
        if "\x00" in text:
            raise forms.ValidationError(_("This text has a character we cannot keep."))
        return text.strip()

    def clean(self):
        data = super().clean()
        if data.get("talk_with") and not data.get("talk_when"):
            self.add_error("talk_when", _("Choose when you would like to talk."))
        return data

    @property
    def question_fields(self):
        return [self[name] for name in ("sleep", "eating", "trusted_adult") if name in self.fields]
