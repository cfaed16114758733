"""The packet's JSON schema, "schoolwell.transfer-packet/1". The published file in
docs/schemas/ is the one source: this module reads it, it is not copied."""

import itertools
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SCHEMA_ID = "schoolwell.transfer-packet/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "schemas" / "schoolwell.transfer-packet-1.json"


MAX_ERRORS = 50


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
    too_long = _over_max_items(schema(), document, "")
    if too_long:
        path, limit = too_long
        raise SchemaError(
            _("The packet does not follow its schema: %(errors)s")
            % {"errors": _("%(path)s: more than %(max)s entries") % {"path": path, "max": limit}}
        )
    # jsonschema reports every bad item, and takes ~0.2 ms an object: the first errors are
    # enough to say what is wrong, the array lengths above bound the rest.
    errors = itertools.islice(_validator().iter_errors(document), MAX_ERRORS)
    errors = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message[:200]}"
            for e in errors[:5]
        ]
        raise SchemaError(
            _("The packet does not follow its schema: %(errors)s") % {"errors": "; ".join(lines)}
        )


def _over_max_items(node: dict, value: object, path: str) -> tuple[str, int] | None:
    """The first array longer than its maxItems, checked before jsonschema walks the items
    (a packet of 500,000 chronology lines would take it minutes): (path, limit) or None."""
    if isinstance(value, list):
        limit = node.get("maxItems")
        if limit is not None and len(value) > limit:
            return path.lstrip("/") or "(top)", limit
        items = node.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                if found := _over_max_items(items, item, f"{path}/{index}"):
                    return found
    elif isinstance(value, dict):
        for key, sub in (node.get("properties") or {}).items():
            if key in value and (found := _over_max_items(sub, value[key], f"{path}/{key}")):
                return found
    return None
