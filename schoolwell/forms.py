"""Form fields shared by the apps."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

# A primary key is a 64-bit integer: anything longer is refused before it reaches the database
# (SQLite raises OverflowError on it, which would be a 500).
MAX_PK_DIGITS = 18


def parse_pk(value: object) -> int | None:
    """A primary key from untrusted input (a query string, a post, a command's argument), or
    None. Only ASCII digits: str.isdigit() also accepts '¹' (which int() refuses: a 500) and
    isdecimal() accepts '٣' (which int() reads as 3: an id nobody typed)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value) > MAX_PK_DIGITS:
        return None
    return int(value)


def _check_pk(field, value) -> None:
    if value in field.empty_values:
        return
    if parse_pk(value) is None:
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        _check_pk(self, value)
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            _check_pk(self, pk)
        return super()._check_values(value)


class IdempotencyKeyField(forms.CharField):
    """The hidden key that makes a double submit one record. Not required: a missing or
    broken key only loses that protection for one submit, where refusing it would leave a
    form that can never be sent."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value) -> uuid.UUID:
        try:
            return uuid.UUID(str(super().clean(value)))
        except (ValueError, ValidationError):
            return uuid.uuid4()
