"""Ids from untrusted input: only ASCII digits are an id. str.isdigit() also accepts '¹'
(int() refuses it: a 500) and isdecimal() accepts '٣' (int() reads 3: an id nobody typed)."""

import pytest
from django.urls import reverse

from schoolwell.forms import (
    MAX_PK_DIGITS,
    SafeModelChoiceField,
    SafeModelMultipleChoiceField,
    parse_pk,
)
from schoolwell.models import School

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_parse_pk_reads_ascii_digits_only():
    assert parse_pk("42") == 42
    assert parse_pk(42) == 42
    assert parse_pk("9" * MAX_PK_DIGITS) == int("9" * MAX_PK_DIGITS)


@pytest.mark.parametrize(
    "value",
    [
        "¹",
        "²³",
        "٣",
        "４２",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1e3",
        "1.0",
        "",
        "\x00",
        "9" * 19,
        None,
        True,
        [],
        1.0,
    ],
)
def test_parse_pk_refuses_anything_else(value):
    assert parse_pk(value) is None


def test_a_model_choice_does_not_read_an_arabic_indic_id_as_that_school(db, school_a):
    disguised = str(school_a.pk).translate(ARABIC_INDIC)
    single = SafeModelChoiceField(queryset=School.objects.all())
    several = SafeModelMultipleChoiceField(queryset=School.objects.all())
    assert single.clean(str(school_a.pk)) == school_a
    with pytest.raises(Exception, match="valid choice"):
        single.clean(disguised)
    with pytest.raises(Exception, match="valid choice"):
        several.clean([disguised])


def test_the_concern_form_does_not_preselect_a_student_from_a_disguised_id(
    client, teacher_a, student_a
):
    client.force_login(teacher_a)
    plain = client.get(reverse("concerns:new"), {"student": student_a.pk})
    disguised = client.get(
        reverse("concerns:new"), {"student": str(student_a.pk).translate(ARABIC_INDIC)}
    )
    assert plain.context["chosen"] == student_a
    assert disguised.context["chosen"] is None
