"""The packet's JSON schema, "schoolwell.transfer-packet/1". The published file in
docs/schemas/ is the one source: this module reads it, it is not copied."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SCHEMA_ID = "schoolwell.transfer-packet/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "schemas" / "schoolwell.transfer-packet-1.json"


class SchemaError(Exception):
    """The document does not follow the schema. The message lists where and why."""


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(document: object) -> None:
    """Raise SchemaError unless `document` is a valid version-1 packet. A packet of another
    version is named as such, so the person importing it knows what to ask for."""
    if isinstance(document, dict) and document.get("schema") != SCHEMA_ID:
        raise SchemaError(
            _("This packet uses schema %(found)s; this SchoolWell reads %(ours)s.")
            % {"found": str(document.get("schema"))[:60], "ours": SCHEMA_ID}
        )
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message[:200]}"
            for e in errors[:5]
        ]
        raise SchemaError(
            _("The packet does not follow its schema: %(errors)s") % {"errors": "; ".join(lines)}
        )
