"""The Python widget writer (schoolwell/form_renderer.py) writes what Django's templates write,
character for character: for every kind of widget it writes, with hostile and odd values, in
English and Spanish, and for every page of the product as a user who may see it."""

import contextlib
import datetime
import decimal
import re
from unittest import mock

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from schoolwell import form_renderer
from schoolwell.form_renderer import FormRenderer
from tests.role_matrix.read_world import build_context, sign_in
from tests.role_matrix.routes import PAGES, ROUTES

TEMPLATES = DjangoTemplates()
WRITER = FormRenderer()

TEXT = st.text(alphabet=st.sampled_from("aZ09 <>&\"'ñ😞\n\t=/"), max_size=12)
SCALARS = st.one_of(
    st.none(),
    TEXT,
    TEXT.map(mark_safe),
    st.integers(-(10**7), 10**7),
    st.decimals(places=2, min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.booleans(),
    st.just(gettext_lazy("Other")),
)
VALUES = st.one_of(SCALARS, st.tuples(st.integers(), TEXT))
ATTR_NAMES = st.sampled_from(["id", "class", "placeholder", "required", "data-x", 'x"<'])
ATTRS = st.dictionaries(ATTR_NAMES, st.one_of(VALUES, st.booleans()), max_size=4)
CHOICE = st.tuples(st.one_of(TEXT, st.integers()), SCALARS)
CHOICES = st.lists(st.one_of(CHOICE, st.tuples(TEXT, st.lists(CHOICE, max_size=3))), max_size=5)
SINGLE = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.DateInput,
    forms.HiddenInput,
    forms.PasswordInput,
    forms.CheckboxInput,
    forms.Textarea,
]
MANY = [forms.Select, forms.SelectMultiple, forms.RadioSelect, forms.CheckboxSelectMultiple]


@contextlib.contextmanager
def written_by_the_writer():
    """Fails when a writer broke on a context and its template wrote the widget instead: the
    output would still be right, so only this shows the writer's bug."""
    with mock.patch.object(form_renderer.logger, "warning") as warned:
        yield
    assert not warned.call_args_list, warned.call_args_list


def same(widget, name, value, attrs) -> None:
    context = widget.get_context(name, value, attrs)
    expected = TEMPLATES.render(widget.template_name, context)
    with written_by_the_writer():
        assert WRITER.render(widget.template_name, context) == expected


@given(
    kind=st.sampled_from(SINGLE),
    name=TEXT,
    value=VALUES,
    attrs=ATTRS,
    language=st.sampled_from(["en", "es"]),
)
def test_single_widgets_are_written_as_the_templates_write_them(kind, name, value, attrs, language):
    with translation.override(language):
        same(kind(), name, value, attrs)


@given(
    kind=st.sampled_from(MANY),
    name=TEXT,
    choices=CHOICES,
    chosen=st.lists(st.one_of(TEXT, st.integers()), max_size=3),
    attrs=ATTRS,
    language=st.sampled_from(["en", "es"]),
)
def test_choice_widgets_are_written_as_the_templates_write_them(
    kind, name, choices, chosen, attrs, language
):
    with translation.override(language):
        same(kind(choices=choices), name, chosen, attrs)


@given(
    label=st.one_of(TEXT, TEXT.map(mark_safe)),
    attrs=st.one_of(st.none(), ATTRS),
    with_id=st.booleans(),
    kind=st.sampled_from([forms.TextInput, forms.RadioSelect, forms.CheckboxSelectMultiple]),
)
def test_labels_are_written_as_the_templates_write_them(label, attrs, with_id, kind):
    class Form(forms.Form):
        field = forms.CharField(label=label, widget=kind())

    field = Form(auto_id="id_%s" if with_id else False)["field"]
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        expected = field.label_tag(attrs=attrs)
    with written_by_the_writer():
        assert field.label_tag(attrs=attrs) == expected


def test_an_option_with_its_own_template_goes_to_the_template():
    class Framed(forms.Select):
        option_template_name = "django/forms/widgets/attrs.html"

    context = Framed(choices=[("a", "A")]).get_context("pick", "a", {})
    assert WRITER.render(Framed.template_name, context) == TEMPLATES.render(
        Framed.template_name, context
    )


def test_a_callable_value_goes_to_the_template():
    context = forms.TextInput().get_context("when", datetime.date.today, {})
    assert WRITER.render("django/forms/widgets/text.html", context) == TEMPLATES.render(
        "django/forms/widgets/text.html", context
    )


def test_a_decimal_label_is_localised_and_a_value_is_not():
    context = forms.Select(choices=[(decimal.Decimal("1.5"), decimal.Decimal("1.5"))]).get_context(
        "n", None, {}
    )
    with translation.override("es"), override_settings(USE_THOUSAND_SEPARATOR=True):
        written = WRITER.render("django/forms/widgets/select.html", context)
    assert '<option value="1.5">1,5</option>' in written


# Every page, as the first of these roles that may see it (the fullest forms first).
VIEWERS = ["safeguarding_lead", "counselor", "teacher", "school_admin", "district_admin"]
VIEWERS += ["partner", "student", "district_analyst"]
CHANGING = re.compile(
    r'(name="(csrfmiddlewaretoken|idempotency_key)" value=)"[^"]+"|data-(read-at|urgent)="[^"]+"'
)


def pages_by_viewer() -> dict[str, list]:
    chosen: dict[str, list] = {}
    for build, expectations in list(ROUTES.values()) + [
        (lambda ctx, url=url: url, expectations) for url, expectations in PAGES.items()
    ]:
        viewer = next((role for role in VIEWERS if expectations.get(role) == 200), None)
        if viewer is not None:
            chosen.setdefault(viewer, []).append(build)
    return chosen


def html(client, url: str, language: str) -> str | None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    if not response["Content-Type"].startswith("text/html"):
        return None  # a PDF or a file carries its own time of making, and no form
    return CHANGING.sub("…", response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_is_the_same_with_either_renderer(client, language):
    context = build_context()
    compared = 0
    for role, builds in pages_by_viewer().items():
        sign_in(client, context, role)
        for build in builds:
            url = build(context)
            with written_by_the_writer():
                page = html(client, url, language)
            with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
                assert html(client, url, language) == page, (role, url)
            compared += page is not None and "<form" in page
    assert compared >= 30


def test_a_writer_that_breaks_logs_it_and_the_template_writes_the_widget():
    context = forms.TextInput().get_context("name", "x", {})
    del context["widget"]["attrs"]  # a writer reading a key Django always gives
    template = "django/forms/widgets/text.html"
    with mock.patch.object(form_renderer.logger, "warning") as warned:
        written = WRITER.render(template, context)
    assert written == TEMPLATES.render(template, context)
    assert warned.call_count == 1
