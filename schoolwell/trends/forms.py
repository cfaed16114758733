"""The dashboard's filters. They travel in the URL (GET), so a view can be shared."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.forms import SafeModelMultipleChoiceField

GRADES = ["PK", "KG", *[f"{n:02d}" for n in range(1, 13)]]
MAX_DAYS = 5 * 366
# A year and a half, this month included: the same term in two school years side by side.
DEFAULT_MONTHS = 18
# Far from any school's records, and far enough from the ends of the calendar that the
# figures' date arithmetic (the day after the end, the next month) stays inside it.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def default_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last DEFAULT_MONTHS months, this one included."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _month in range(DEFAULT_MONTHS - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return start, today


class TrendsFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    school = SafeModelMultipleChoiceField(
        label=_("Schools"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    grade = forms.MultipleChoiceField(
        label=_("Grades"),
        choices=[(g, g) for g in GRADES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    category = SafeModelMultipleChoiceField(
        label=_("Concern categories"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data, *, schools, categories):
        super().__init__(data)
        self.fields["school"].queryset = schools
        self.fields["category"].queryset = categories

    def clean(self):
        data = super().clean()
        default_start, default_end = default_range()
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if start < EARLIEST or end > LATEST:
            raise forms.ValidationError(_("Choose dates between the years 1900 and 2999."))
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of five years or less."))
        data["start"], data["end"] = start, end
        return data
