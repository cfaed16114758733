"""Checks across a whole package before anything is written: required fields present, web
addresses and e-mail addresses well formed, and the references the directory relies on
pointing at a row in the package or already in the directory. Types, sizes and duplicate ids
are checked while reading (reader.py)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from community_links.hsds.limits import Problems
from community_links.hsds.reader import Package
from community_links.hsds.spec import REFERENCES, tables
from community_links.models.directory import WEB_URL

# Every column HSDS marks as a URI is a web page someone may open (a service's url, an
# organisation's website, a taxonomy term's uri, ...): http or https only, never javascript:,
# data: or file:, whether the directory models the column or only keeps and re-exports it.
FORMATS = {
    "uri": (WEB_URL, "must be an http or https web address"),
    "email": (EmailValidator(), "must be an e-mail address"),
}


def _format_errors(row, table_name: str, formats: dict) -> list[str]:
    errors = []
    for column, kind in formats.items():
        value = row.data.get(column)
        if value is None:
            continue
        validator, rule = FORMATS[kind]
        try:
            validator(value)
        except ValidationError:
            errors.append(f"{row.where}: {table_name}.{column} {rule}, got {value[:60]!r}")
    return errors


def check(package: Package, existing_ids: Callable[[str], set[str]]) -> list[str]:
    errors: list[str] = Problems()
    known = tables()
    for table_name, rows in package.rows.items():
        required, enums = known[table_name].required, known[table_name].enums
        for row in rows.values():
            errors.extend(_format_errors(row, table_name, known[table_name].formats))
            for column, allowed in enums.items():
                value = row.data.get(column)
                if value is not None and value not in allowed:
                    errors.append(
                        f"{row.where}: {table_name}.{column} must be one of "
                        f"{', '.join(allowed)}, got {value!r}"
                    )
            missing = sorted(f for f in required if row.data.get(f) in (None, ""))
            if missing:
                errors.append(f"{row.where}: {table_name} is missing required {', '.join(missing)}")
    cache: dict[str, set[str]] = {}
    for table_name, references in REFERENCES.items():
        for row in package.rows.get(table_name, {}).values():
            for column, target in references.items():
                value = row.data.get(column)
                if value is None:
                    continue
                if value in package.rows.get(target, {}):
                    continue
                if target not in cache:
                    cache[target] = existing_ids(target)
                if value not in cache[target]:
                    errors.append(
                        f"{row.where}: {table_name}.{column} {value} is not a {target} "
                        f"in this package or the directory"
                    )
    return errors
