"""HSDS 3.0 import and export: the shared samples import unchanged, exports validate against
the HSDS schemas, import -> export -> import is stable, and malformed packages are refused
with line-numbered messages and no change."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from community_links.hsds import (
    export_csv,
    export_json,
    export_tables,
    import_path,
)
from community_links.models import HsdsRecord, Location, Organization, Resource, Schedule

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hsds-3.0"
if not SHARED.exists():
    SHARED = Path("/work/shared/data/hsds-3.0")
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def schema_validator(table: str) -> Draft202012Validator:
    registry = Registry()
    for file in (SHARED / "schema").glob("*.json"):
        registry = registry.with_resource(
            file.name, DRAFT202012.create_resource(json.loads(file.read_text()))
        )
    schema = json.loads((SHARED / "schema" / f"{table}.json").read_text())
    return Draft202012Validator(schema, registry=registry)


def table_of(file: Path) -> str:
    return file.stem.removesuffix("_list")


def directory_snapshot() -> dict:
    return export_tables()


def counts() -> dict:
    return {
        "organizations": Organization.objects.count(),
        "resources": Resource.objects.count(),
        "locations": Location.objects.count(),
        "schedules": Schedule.objects.count(),
        "records": HsdsRecord.objects.count(),
    }


@pytest.mark.parametrize("form", ["csv", "json"])
def test_shared_sample_imports_exports_validates_and_reimports_identically(form, tmp_path, db):
    import_path(SHARED / form)
    resource = Resource.objects.get(hsds_id=SERVICE_ID)
    assert resource.name == "Community Counselling"
    assert resource.minimum_age == 12
    assert "ur" in resource.languages
    first = directory_snapshot()
    before = counts()

    export_json(tmp_path / "json")
    export_csv(tmp_path / "csv")
    files = sorted((tmp_path / "json").glob("*.json"))
    assert {"service_list.json", "organization_list.json"} <= {f.name for f in files}
    for file in files:
        validator = schema_validator(table_of(file))
        for record in json.loads(file.read_text())["contents"]:
            errors = sorted(validator.iter_errors(record), key=str)
            assert errors == [], (file.name, [e.message for e in errors])

    for exported in ("csv", "json"):
        import_path(tmp_path / exported)
        assert directory_snapshot() == first, exported
        assert counts() == before, exported


def test_csv_and_json_samples_describe_the_same_service(db):
    import_path(SHARED / "csv")
    from_csv = next(r for r in export_tables()["service"] if r["id"] == SERVICE_ID)
    Resource.objects.all().delete()
    import_path(SHARED / "json")
    from_json = next(r for r in export_tables()["service"] if r["id"] == SERVICE_ID)
    assert from_csv["name"] == from_json["name"]
    assert from_csv["minimum_age"] == from_json["minimum_age"]


def test_reimport_updates_by_hsds_id_and_never_duplicates(tmp_path, db):
    package = tmp_path / "pkg"
    shutil.copytree(SHARED / "csv", package)
    import_path(package)
    text = (package / "services.csv").read_text()
    (package / "services.csv").write_text(text.replace("Community Counselling", "Talk It Over"))
    import_path(package)
    assert Resource.objects.count() == 1
    assert Resource.objects.get(hsds_id=SERVICE_ID).name == "Talk It Over"


def test_export_keeps_edits_made_in_the_cms(tmp_path, db):
    import_path(SHARED / "csv")
    resource = Resource.objects.get(hsds_id=SERVICE_ID)
    resource.name = "Counselling for teens"
    resource.language_codes = ",es,ur,"
    resource.save()
    exported = export_tables()
    assert next(r for r in exported["service"] if r["id"] == SERVICE_ID)["name"] == (
        "Counselling for teens"
    )
    assert {r.get("code") for r in exported["language"] if r.get("service_id") == SERVICE_ID} >= {
        "es",
        "ur",
    }


def test_management_commands_import_and_export_both_forms(tmp_path, db, capsys):
    call_command("import_hsds", str(SHARED / "csv"))
    call_command("export_hsds", str(tmp_path / "out"))
    assert (tmp_path / "out" / "csv" / "datapackage.json").exists()
    assert (tmp_path / "out" / "json" / "service_list.json").exists()
    assert "Imported" in capsys.readouterr().out
