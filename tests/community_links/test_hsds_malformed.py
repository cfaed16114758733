"""Malformed HSDS packages are refused whole, with the file and line of each problem."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community_links.hsds import HsdsImportError, export_tables, import_path
from tests.community_links.test_hsds import SHARED


def copy_sample(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SHARED / "csv", target)
    return target


def edit_csv(package: Path, name: str, edit) -> None:
    path = package / name
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    header = list(rows[0].keys())
    rows = edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())


def refused(path: Path) -> list[str]:
    with pytest.raises(HsdsImportError) as info:
        import_path(path)
    return info.value.errors


def test_missing_required_field_is_refused_with_its_line(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "services.csv", lambda rows: [rows[0] | {"name": ""}])
    errors = refused(package)
    assert any(e.startswith("services.csv line 2:") and "name" in e for e in errors), errors


def test_reference_to_a_missing_organisation_is_refused(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "services.csv", lambda rows: [rows[0] | {"organization_id": "nope"}])
    errors = refused(package)
    assert any("services.csv line 2: service.organization_id nope" in e for e in errors), errors


def test_wrong_type_is_refused(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "services.csv", lambda rows: [rows[0] | {"minimum_age": "twelve"}])
    errors = refused(package)
    assert "services.csv line 2: minimum_age must be a number, got 'twelve'" in errors


def test_duplicate_ids_are_refused_naming_both_lines(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "locations.csv", lambda rows: rows + rows)
    errors = refused(package)
    assert any(
        e.startswith("locations.csv line 3: duplicate location id") and "line 2" in e
        for e in errors
    ), errors


def test_json_with_wrong_type_names_the_line(tmp_path, db):
    record = json.loads((SHARED / "json" / "service_full.json").read_text())
    record["minimum_age"] = "twelve"
    path = tmp_path / "service_full.json"
    path.write_text(json.dumps(record, indent=1))
    errors = refused(path)
    assert any(e.startswith("service_full.json line 1: service.minimum_age") for e in errors)


def test_invalid_json_reports_the_line(tmp_path, db):
    path = tmp_path / "service_list.json"
    path.write_text('{\n  "contents": [\n    {"id": "x",}\n  ]\n}\n')
    errors = refused(path)
    assert errors[0].startswith("service_list.json line 3: not valid JSON"), errors


def test_a_refused_import_changes_nothing(tmp_path, db):
    import_path(SHARED / "csv")
    before = export_tables()
    package = copy_sample(tmp_path)
    edit_csv(package, "organizations.csv", lambda rows: [rows[0] | {"name": "Renamed"}])
    edit_csv(package, "schedules.csv", lambda rows: [rows[0] | {"service_id": "missing"}])
    refused(package)
    assert export_tables() == before


# --- fuzzing: every kind of damage, anywhere, is refused whole ------------------------------

SAMPLE_ROWS = {}


def sample_rows() -> dict[str, list[dict]]:
    if not SAMPLE_ROWS:
        for file in (SHARED / "csv").glob("*.csv"):
            SAMPLE_ROWS[file.name] = list(csv.DictReader(io.StringIO(file.read_text())))
    return SAMPLE_ROWS


REQUIRED = {
    "services.csv": ["id", "organization_id", "name", "status"],
    "organizations.csv": ["id", "name", "description"],
    "locations.csv": ["id", "location_type"],
    "service_at_location.csv": ["id", "service_id", "location_id"],
    "phones.csv": ["id", "number"],
    "addresses.csv": ["id", "address_1", "city", "postal_code", "country"],
    "taxonomy_terms.csv": ["id", "name", "description"],
}
REFERENCES = {
    "services.csv": "organization_id",
    "service_at_location.csv": "location_id",
    "schedules.csv": "service_id",
    "languages.csv": "phone_id",
    "attributes.csv": "taxonomy_term_id",
    "cost_options.csv": "service_id",
}
NUMBERS = {
    "services.csv": "maximum_age",
    "locations.csv": "latitude",
    "schedules.csv": "interval",
    "cost_options.csv": "amount",
    "phones.csv": "extension",
}

damage = st.one_of(
    st.tuples(st.just("required"), st.sampled_from(sorted(REQUIRED)), st.data()),
    st.tuples(st.just("reference"), st.sampled_from(sorted(REFERENCES)), st.uuids()),
    st.tuples(
        st.just("type"),
        st.sampled_from(sorted(NUMBERS)),
        st.text(alphabet="abcxyz-_ !?", min_size=1, max_size=8),
    ),
    st.tuples(st.just("duplicate"), st.sampled_from(sorted(sample_rows() or REQUIRED)), st.none()),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damage=damage)
def test_fuzzed_malformed_packages_are_refused_whole(tmp_path, db, damage):
    kind, name, arg = damage
    package = copy_sample(tmp_path)
    before = export_tables()
    if kind == "required":
        column = arg.draw(st.sampled_from(REQUIRED[name]))
        edit_csv(package, name, lambda rows: [rows[0] | {column: ""}])
    elif kind == "reference":
        edit_csv(package, name, lambda rows: [rows[0] | {REFERENCES[name]: str(arg)}])
    elif kind == "type":
        edit_csv(package, name, lambda rows: [rows[0] | {NUMBERS[name]: arg}])
    else:
        edit_csv(package, name, lambda rows: rows + rows)
    errors = refused(package)
    assert errors
    assert all(" line " in e for e in errors), errors
    assert any(e.startswith(f"{name} line ") for e in errors), (damage, errors)
    assert export_tables() == before
