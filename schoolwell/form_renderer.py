"""Form widgets written in Python, character for character as Django's own templates write them.

Through the template engine each select option is two included templates (the option and its
attributes), and a case page carries 13 forms with about 180 options: a third of the page's
time went to widgets. This renderer writes the common widgets (inputs, text areas, selects,
checkbox and radio lists) and field labels directly, and hands every other template to the
template engine, as it does any widget whose options use a template of their own.
tests/schoolwell/test_form_renderer.py holds it to the templates' output, odd values included.

A writer that fails on a context it should know (an error, not `Unusual`) hands the widget to
its template too, so the person gets their page, and logs a warning: the suite fails on it,
and production says so instead of only running slower.
"""

import logging

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

logger = logging.getLogger(__name__)

WIDGETS = "django/forms/widgets/"
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        *("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"),
        *("number", "password", "search", "tel", "text", "time", "url"),
    )
)
OPTION_INPUTS = {  # an option's template -> what it adds after input_option.html
    f"{WIDGETS}input_option.html": "",
    f"{WIDGETS}checkbox_option.html": "\n",
    f"{WIDGETS}radio_option.html": "\n",
}
CHOICE_LISTS = frozenset(f"{WIDGETS}{name}.html" for name in ("checkbox_select", "radio"))


class Unusual(Exception):
    """A widget context the templates would read in a way this module does not copy."""


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        if write is not None:
            try:
                return write(context).strip()
            except Unusual:
                pass
            except (AttributeError, KeyError, TypeError):
                logger.warning("%s written by its template instead", template_name, exc_info=True)
        return super().render(template_name, context, request=request)


def _text(value) -> str:
    """`{{ value }}`: localised, then escaped unless already safe."""
    if callable(value):
        raise Unusual  # the template would call it
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: as text, not localised."""
    if callable(value):
        raise Unusual
    return _text(str(value))  # "%s" % value, a tuple included; str() keeps a safe string safe


def _attrs(attrs: dict) -> str:
    """attrs.html: False leaves the attribute out, True writes its name alone."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    attrs = _attrs(widget["attrs"])
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{attrs}>\n'


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


def _option(option: dict) -> str:
    if option["template_name"] != f"{WIDGETS}select_option.html":
        raise Unusual
    value, label = _formatted(option["value"]), _text(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


def _select(widget: dict) -> str:
    options = _groups(widget, '\n  <optgroup label="{}">', "\n  </optgroup>", "\n  {}", _option)
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>\n'


def _input_option(option: dict) -> str:
    after = OPTION_INPUTS.get(option["template_name"])
    if after is None:
        raise Unusual
    if not option["wrap_label"]:
        return f"{_input(option)}\n{after}"
    id_ = option["attrs"].get("id")
    opening = f'<label for="{_text(id_)}">' if id_ else "<label>"
    return f"{opening}{_input(option)} {_text(option['label'])}</label>\n{after}"


def _choice_list(widget: dict) -> str:
    id_, class_ = widget["attrs"].get("id"), widget["attrs"].get("class")
    shown = (f' id="{_text(id_)}"' if id_ else "") + (f' class="{_text(class_)}"' if class_ else "")
    options = _groups(
        widget, "\n  <div><label>{}</label>", "\n  </div>", "<div>\n    {}</div>", _input_option
    )
    return f"<div{shown}>{options}\n</div>\n"


def _groups(widget: dict, opening: str, closing: str, each: str, write) -> str:
    """A widget's options, each written by `write` into `each`, a named group's between
    `opening` (given the group's name) and `closing`."""
    parts = []
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(opening.format(_text(group)))
        parts.extend(each.format(write(option)) for option in options)
        if group:
            parts.append(closing)
    return "".join(parts)


def _label(context: dict) -> str:
    """label.html, a field's label tag (its text arrives escaped). A group of radios or
    checkboxes has a tag but no attributes (None: nothing for its label to point at)."""
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>"


def _widget(write):
    return lambda context: write(context["widget"])


_WRITERS = {
    **dict.fromkeys(INPUTS, _widget(_input)),
    **dict.fromkeys(CHOICE_LISTS, _widget(_choice_list)),
    f"{WIDGETS}select.html": _widget(_select),
    f"{WIDGETS}textarea.html": _widget(_textarea),
    "django/forms/label.html": _label,
}
