"""The URL converter for object ids: `<id:pk>`. Registered on import; every urls module that
uses it imports this module first.

Django's `int` converter takes any number of digits, and a lookup Django does not range-check
(a foreign key's, e.g. `user_id=`) sends a 19-digit id to SQLite, which raises OverflowError:
a 500. An id longer than MAX_PK_DIGITS is no id of ours, so the URL does not match (404)."""

from django.urls import register_converter

from schoolwell.forms import MAX_PK_DIGITS


class IdConverter:
    regex = f"[0-9]{{1,{MAX_PK_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
