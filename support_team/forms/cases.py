"""The case page's section forms. Each is built for one reader of one case (a CasePage):
people are chosen from the school's support team, notes only at the reader's levels, so a
crafted POST naming anyone or anything else is a form error, never a 500 or a change."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.forms import SafeModelMultipleChoiceField
from schoolwell.models import Category
from support_team.models import Case, Goal, Intervention, Note
from support_team.selectors.cases import CasePage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _person_choices(users) -> list[tuple[str, str]]:
    return [(str(u.pk), str(u)) for u in users]


class UserChoiceField(forms.ChoiceField):
    """One person from a list already read (no query per render); cleans to the User."""

    def __init__(self, *, users, **kwargs):
        self.users = {str(u.pk): u for u in users}
        super().__init__(choices=[("", "---------")] + _person_choices(users), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.users.get(value) if value else None


class UsersChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, users, **kwargs):
        self.users = {str(u.pk): u for u in users}
        super().__init__(choices=_person_choices(users), **kwargs)

    def clean(self, value):
        return [self.users[pk] for pk in super().clean(value)]


class CaseSectionForm(forms.Form):
    """One form of the case page. `anchor` is the id of the form's place on the page; its
    fields' ids start with it, as several forms share field names (summary, description)
    and one page shows them all. `form_title` names the form in the message that points to it."""

    anchor = ""
    form_title = ""

    def __init__(self, *args, page: CasePage, **kwargs):
        self.page = page
        if self.anchor:
            kwargs.setdefault("auto_id", f"{self.anchor}-%s")
        super().__init__(*args, **kwargs)

    def error_links(self) -> list[tuple[str, str]]:
        """Each error as (the id of the input it is about, or "", the words): the summary
        at the top of a refused form links to the inputs to fix."""
        links = [("", str(error)) for error in self.non_field_errors()]
        for bound in self:
            # A group of radios or checkboxes has no element of its own id: its first box.
            choices = bound.widget_type in ("radioselect", "checkboxselectmultiple")
            target = f"{bound.auto_id}_0" if choices else bound.auto_id
            links += [(target, f"{bound.label}: {error}") for error in bound.errors]
        return links


class CaseUpdateForm(CaseSectionForm):
    anchor = "details-form"
    form_title = _("the case details form")

    tier = forms.TypedChoiceField(
        label=_("Tier of support"), choices=Case.Tier.choices, coerce=int, widget=forms.RadioSelect
    )
    needs = SafeModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Needs"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose needs from the list.")},
    )

    def __init__(self, *args, page: CasePage, **kwargs):
        kwargs.setdefault("initial", {"tier": page.case.tier, "needs": [n.pk for n in page.needs]})
        super().__init__(*args, page=page, **kwargs)
        # Needs retired from the list stay choosable on the cases that already have them.
        self.fields["needs"].queryset = Category.objects.filter(
            Q(active=True) | Q(pk__in=[n.pk for n in page.needs])
        )
        if page.can_change_lead:
            self.fields["lead"] = UserChoiceField(
                users=page.team,
                label=_("Case lead"),
                initial=str(page.case.lead_id),
                error_messages={"invalid_choice": _("Choose someone on the school's team.")},
            )


class MemberAddForm(CaseSectionForm):
    anchor = "team-form"
    form_title = _("the team form")

    def __init__(self, *args, page: CasePage, **kwargs):
        super().__init__(*args, page=page, **kwargs)
        on_case = {m.user_id for m in page.members}
        self.fields["user"] = UserChoiceField(
            users=[u for u in page.team if u.pk not in on_case],
            label=_("Add to the team"),
            error_messages={
                "invalid_choice": _("Choose someone on the school's team who is not on the case.")
            },
        )


class GoalForm(CaseSectionForm):
    anchor = "goal-form"
    form_title = _("the goal form")

    description = forms.CharField(label=_("New goal"), max_length=300)


class GoalStatusForm(CaseSectionForm):
    status = forms.ChoiceField(label=_("Where it stands"), choices=Goal.Status.choices)


class InterventionForm(CaseSectionForm):
    anchor = "intervention-form"
    form_title = _("the intervention form")

    kind = forms.ChoiceField(label=_("Type"), choices=Intervention.Kind.choices)
    description = forms.CharField(label=_("Details"), max_length=300, required=False)
    start_date = forms.DateField(label=_("Starts"), widget=DATE)
    frequency = forms.ChoiceField(label=_("How often"), choices=Intervention.Frequency.choices)
    review_date = forms.DateField(label=_("Due or next reviewed"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Intervention.Status.choices)

    def __init__(self, *args, page: CasePage, **kwargs):
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, page=page, **kwargs)
        goals = {str(g.pk): g for g in page.goals}
        self.goals = goals
        self.fields = {
            "goal": forms.ChoiceField(
                label=_("For the goal"),
                choices=[(pk, g.description) for pk, g in goals.items()],
                error_messages={"invalid_choice": _("Choose one of this case's goals.")},
            ),
            "owner": UserChoiceField(
                users=page.team,
                label=_("Owner"),
                error_messages={"invalid_choice": _("Choose someone on the school's team.")},
            ),
            **self.fields,
        }

    def clean_goal(self):
        return self.goals[self.cleaned_data["goal"]]


class InterventionUpdateForm(CaseSectionForm):
    status = forms.ChoiceField(label=_("Status"), choices=Intervention.Status.choices)
    frequency = forms.ChoiceField(label=_("How often"), choices=Intervention.Frequency.choices)
    review_date = forms.DateField(label=_("Due or next reviewed"), widget=DATE)
    outcome_notes = forms.CharField(
        label=_("Outcome notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, page: CasePage, intervention: Intervention | None = None, **kw):
        if intervention is not None:
            kw.setdefault(
                "initial",
                {
                    "status": intervention.status,
                    "frequency": intervention.frequency,
                    "review_date": intervention.review_date,
                    "outcome_notes": intervention.outcome_notes,
                    "owner": str(intervention.owner_id),
                },
            )
            kw.setdefault("prefix", f"iv{intervention.pk}")
        super().__init__(*args, page=page, **kw)
        if intervention is not None:
            # One per intervention: the prefix already keeps the field ids apart.
            self.anchor = f"intervention-{intervention.pk}-form"
        self.form_title = _("the intervention's update form")
        self.fields["owner"] = UserChoiceField(
            users=page.team,
            label=_("Owner"),
            error_messages={"invalid_choice": _("Choose someone on the school's team.")},
        )


LEVEL_LABELS = dict(Note.Level.choices)


class NoteForm(CaseSectionForm):
    anchor = "note-form"
    form_title = _("the note form")

    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, page: CasePage, **kwargs):
        kwargs.setdefault("initial", {"level": Note.Level.TEAM})
        super().__init__(*args, page=page, **kwargs)
        self.goals = {str(g.pk): g for g in page.goals}
        self.fields = {
            # Only the levels this writer may use are offered (and accepted).
            "level": forms.ChoiceField(
                label=_("Who may read it"),
                choices=[(level, LEVEL_LABELS[level]) for level in page.note_levels],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("You cannot write notes at that level.")},
            ),
            "goal": forms.ChoiceField(
                label=_("Progress on a goal (optional)"),
                required=False,
                choices=[("", _("Not about one goal"))]
                + [(pk, g.description) for pk, g in self.goals.items()],
                error_messages={"invalid_choice": _("Choose one of this case's goals.")},
            ),
            **self.fields,
        }

    def clean_goal(self):
        return self.goals.get(self.cleaned_data["goal"])


class MeetingForm(CaseSectionForm):
    anchor = "meeting-form"
    form_title = _("the meeting form")

    held_on = forms.DateField(label=_("Date"), widget=DATE)
    other_attendees = forms.CharField(
        label=_("Others who came"),
        max_length=300,
        required=False,
        help_text=_("Family members, partners, the student: names or roles."),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, page: CasePage, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, page=page, **kwargs)
        self.fields["attendees"] = UsersChoiceField(
            users=page.team,
            label=_("Team members who came"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("Choose people on the school's team.")},
        )
        self.actions = ActionFormSet(
            *args, prefix="actions", auto_id=self.auto_id, form_kwargs={"page": page}
        )

    def is_valid(self) -> bool:
        # Both, so every error shows at once.
        return all([super().is_valid(), self.actions.is_valid()])

    def error_links(self) -> list[tuple[str, str]]:
        links = super().error_links()
        links += [("", str(error)) for error in self.actions.non_form_errors()]
        for n, row in enumerate(self.actions, start=1):
            where = _("Action %(n)s") % {"n": n}
            links += [(target, f"{where}, {words}") for target, words in row.error_links()]
        return links

    def action_rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.actions if f.cleaned_data]


class FollowUpForm(CaseSectionForm):
    anchor = "follow-up-form"
    form_title = _("the follow-up form")

    title = forms.CharField(label=_("What needs doing"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DATE)

    def __init__(self, *args, page: CasePage, **kwargs):
        super().__init__(*args, page=page, **kwargs)
        self.fields["assignee"] = UserChoiceField(
            users=page.team,
            label=_("Who"),
            error_messages={"invalid_choice": _("Choose someone on the school's team.")},
        )
        self.order_fields(["title", "assignee", "due_on"])


# absolute_max: a forged TOTAL_FORMS of thousands builds (and renders back) ten rows, not 1,010.
ActionFormSet = forms.formset_factory(
    FollowUpForm, extra=3, max_num=10, validate_max=True, absolute_max=10
)


class CloseForm(CaseSectionForm):
    anchor = "close-form"
    form_title = _("the closing form")

    summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, what changed, and where things stand now."),
        error_messages={"required": _("Write a closing summary.")},
    )
    cancel_open_follow_ups = forms.BooleanField(
        label=_("Cancel the follow-ups that are still open: they are no longer needed"),
        required=False,
    )


class CaseFilterForm(forms.Form):
    """The case list's filters, as URL parameters. Anything unknown falls back to the
    default rather than failing."""

    scope = forms.ChoiceField(
        label=_("Whose"),
        choices=[("mine", _("My cases")), ("all", _("All cases at my schools"))],
        required=False,
    )
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        choices=[("", _("Any tier"))] + Case.Tier.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Open and closed"))] + Case.Status.choices,
        required=False,
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "mine": data.get("scope", "mine") != "all",
            "tier": data.get("tier"),
            "status": data.get("status", Case.Status.OPEN) if "status" in self.data else "open",
        }
