"""No import ends in a traceback: a value the directory cannot keep (a javascript: or data:
address, an overlong string, a bad e-mail, a bad number, NUL) is refused with the file and
line it is on, in the CSV and the JSON form and through the command, and nothing is written."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community_links.hsds import HsdsImportError, export_tables, import_path
from community_links.hsds.csvread import parse_number
from community_links.models import HsdsRecord, Organization, Resource
from tests.community_links.test_hsds import SHARED
from tests.community_links.test_hsds_malformed import copy_sample, edit_csv

SERVICE_LINE = {"csv": ("services.csv", 2), "json": ("service_full.json", 1)}


def service_package(tmp_path: Path, form: str, field: str, value) -> Path:
    """The shared sample with one field of its service set to `value`: in services.csv
    (line 2), or in the full service record (its object starts on line 1)."""
    if form == "csv":
        package = copy_sample(tmp_path)
        edit_csv(package, "services.csv", lambda rows: [rows[0] | {field: value}])
        return package
    record = json.loads((SHARED / "json" / "service_full.json").read_text())
    record[field] = value
    folder = tmp_path / "json"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    path = folder / "service_full.json"
    path.write_text(json.dumps(record, indent=1), encoding="utf-8", errors="surrogatepass")
    return path


def refused_whole(path: Path, source: str, line: int) -> list[str]:
    """The property: a clear refusal (HsdsImportError, nothing else escapes), every message
    placed in a file and line, one of them on the line of the bad value, nothing written."""
    before = export_tables(), Resource.objects.count(), HsdsRecord.objects.count()
    with pytest.raises(HsdsImportError) as info:
        import_path(path)
    errors = info.value.errors
    assert all(" line " in e for e in errors), errors
    assert any(e.startswith(f"{source} line {line}:") for e in errors), errors
    assert (export_tables(), Resource.objects.count(), HsdsRecord.objects.count()) == before
    return errors


@pytest.mark.parametrize("form", ["csv", "json"])
def test_a_javascript_url_is_a_line_numbered_message_not_a_validation_error(tmp_path, db, form):
    path = service_package(tmp_path, form, "url", "javascript:alert(document.cookie)")
    errors = refused_whole(path, *SERVICE_LINE[form])
    assert any("service.url must be an http or https web address" in e for e in errors), errors


def test_the_command_ends_with_the_message_not_a_traceback(tmp_path, db, capsys):
    path = service_package(tmp_path, "csv", "url", "javascript:alert(1)")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_hsds", str(path))
    assert "services.csv line 2: service.url must be an http" in capsys.readouterr().err


@pytest.mark.parametrize(
    "table,column,value",
    [
        ("organizations.csv", "website", "javascript:alert(1)"),
        ("organizations.csv", "uri", "data:text/html,<script>alert(1)</script>"),
        ("organizations.csv", "logo", "file:///etc/passwd"),
        ("taxonomy_terms.csv", "term_uri", "ftp://example.com/term"),
        ("contacts.csv", "email", "not-an-address"),
    ],
)
def test_every_web_address_and_email_column_is_checked_even_when_only_kept(
    tmp_path, db, table, column, value
):
    """An organisation's website was saved as given (no full_clean); columns the directory
    only keeps and re-exports (logo, uri, term_uri) were never looked at."""
    package = copy_sample(tmp_path)
    edit_csv(package, table, lambda rows: [rows[0] | {column: value}])
    errors = refused_whole(package, table, 2)
    assert any(f".{column} must be" in e for e in errors), errors
    assert not Organization.objects.exists()


def test_a_service_at_the_same_location_twice_is_a_message_not_an_integrity_error(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "service_at_location.csv", lambda rows: rows + [rows[0] | {"id": "sal-2"}])
    errors = refused_whole(package, "service_at_location.csv", 3)
    assert any("already exists" in e for e in errors), errors


def test_more_languages_than_the_directory_keeps_is_a_message(tmp_path, db):
    package = copy_sample(tmp_path)
    service = "ac148810-d857-441c-9679-408f346de14b"

    def many(rows):
        extra = {k: "" for k in rows[0]}
        return rows + [
            extra | {"id": f"lang-{n}", "service_id": service, "code": f"x{n:03}"}
            for n in range(80)
        ]

    edit_csv(package, "languages.csv", many)
    errors = refused_whole(package, "services.csv", 2)
    assert any("more languages than the directory keeps" in e for e in errors), errors


def test_an_overlong_id_of_a_table_kept_as_records_is_a_message(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "funding.csv", lambda rows: [rows[0] | {"id": "f" * 65}])
    errors = refused_whole(package, "funding.csv", 2)
    assert any("id is longer than 64 characters" in e for e in errors), errors


@pytest.mark.parametrize("value", ["١٢", "12_0", " 12", "0x10", "1e999", "NaN", "inf"])
def test_a_number_must_be_written_as_a_number(tmp_path, db, value):
    """float() takes Arabic-Indic digits, underscores and spaces: numbers nobody wrote."""
    errors = refused_whole(
        service_package(tmp_path, "csv", "minimum_age", value), "services.csv", 2
    )
    assert any("minimum_age must be a number" in e for e in errors), errors


@pytest.mark.parametrize("raw", ["1e999", "NaN", "-Infinity", "1" + "0" * 400, "1" + "0" * 5000])
def test_a_json_number_that_is_not_finite_is_refused(tmp_path, db, raw):
    path = service_package(tmp_path, "json", "minimum_age", 12)
    text = path.read_text()
    at = text[: text.index('"minimum_age": 12')].count("\n") + 1
    path.write_text(text.replace('"minimum_age": 12', f'"minimum_age": {raw}'))
    with pytest.raises(HsdsImportError) as info:
        import_path(path)
    # Not JSON at all (NaN, Infinity, thousands of digits): the line of the number; a JSON
    # number no float can hold: the line of its record.
    assert any(
        e.startswith((f"service_full.json line {at}: not valid JSON", "service_full.json line 1:"))
        for e in info.value.errors
    ), info.value.errors
    assert not Resource.objects.exists()


# --- fuzzing: hostile values in any service field, either form -----------------------------

PRINTABLE = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
BAD_SCHEMES = st.sampled_from(
    [
        "javascript:",
        "JaVaScRiPt:",
        "data:text/html,",
        "vbscript:",
        "file://",
        "ftp://",
        " http://",
        "",
    ]
)
NOT_ENUM = PRINTABLE.filter(lambda s: s.strip() and s not in Resource.Status.values)


def bad_values(form: str):
    """(field, a value the directory must refuse) for a service."""
    text_types = [
        st.tuples(st.just("url"), st.tuples(BAD_SCHEMES, PRINTABLE).map("".join).filter(str.strip)),
        st.tuples(st.just("email"), PRINTABLE.filter(lambda s: s.strip() and "@" not in s)),
        st.tuples(
            st.just("email"), st.sampled_from(["a@", "@b.example", "a@b@c", "a b@c.example"])
        ),
        st.tuples(st.just("status"), NOT_ENUM),
        st.tuples(st.sampled_from(["name", "url"]), st.text("xyz", min_size=600, max_size=700)),
        st.tuples(
            st.sampled_from(["description", "application_process", "name"]),
            st.tuples(PRINTABLE, PRINTABLE).map(lambda p: f"{p[0]}\x00{p[1]}"),
        ),
        st.tuples(st.just("description"), st.just("x" * 10_001)),
        st.tuples(st.just("name"), st.just("")),
        st.tuples(st.just("minimum_age"), st.floats(max_value=-0.01, allow_infinity=False)),
        st.tuples(st.just("maximum_age"), st.floats(min_value=150.01, allow_infinity=False)),
    ]
    if form == "csv":
        text_types.append(
            st.tuples(
                st.sampled_from(["minimum_age", "maximum_age"]),
                PRINTABLE.filter(lambda s: s and parse_number(s) is None),
            )
        )
    else:
        text_types += [
            st.tuples(st.just("name"), st.tuples(PRINTABLE, st.just("\ud800")).map("".join)),
            st.tuples(
                st.sampled_from(["minimum_age", "name", "url"]),
                st.one_of(st.booleans(), st.lists(st.integers(), max_size=2), st.just({"x": 1})),
            ),
            st.tuples(st.just("minimum_age"), st.one_of(PRINTABLE.filter(bool), st.just(10**400))),
        ]
    return st.one_of(text_types)


def _csv_value(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), form=st.sampled_from(["csv", "json"]))
def test_fuzzed_hostile_service_fields_are_refused_whole_with_their_line(tmp_path, db, data, form):
    field, value = data.draw(bad_values(form))
    if form == "csv":
        value = _csv_value(value)
    path = service_package(tmp_path, form, field, value)
    refused_whole(path, *SERVICE_LINE[form])
