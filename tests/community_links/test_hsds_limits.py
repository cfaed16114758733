"""HSDS imports are bounded: a package built to exhaust the server (a huge JSON array, JSON
nested thousands deep, a file over the size cap, a CSV with a giant field, a zip bomb) is
refused with a clear message, changing nothing, within the memory target (200 MB, measured
with tracemalloc). The caps themselves are in community_links/hsds/limits.py."""

import json
import os
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from community_links.hsds import HsdsImportError, import_path, limits
from community_links.models import HsdsRecord, Organization, Resource
from tests.community_links.test_hsds import SHARED
from tests.community_links.test_hsds_malformed import copy_sample, edit_csv

MEMORY_TARGET = 200 * 1024**2


def refused_within_memory(path: Path) -> list[str]:
    """Import, expecting a refusal; the peak of Python's memory while it ran is under the
    target, and nothing was written."""
    tracemalloc.start()
    try:
        with pytest.raises(HsdsImportError) as info:
            import_path(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_TARGET, f"peak {peak / 1024**2:.0f} MB"
    assert not (Resource.objects.exists() or Organization.objects.exists())
    assert not HsdsRecord.objects.exists()
    return info.value.errors


def test_a_json_array_of_more_values_than_an_import_takes_is_refused_while_parsing(
    tmp_path, db, monkeypatch
):
    """Objects are the costliest JSON value to hold; parsing stops at the cap instead of
    holding them all first. Measured at a fifth of the cap (tracemalloc slows parsing down
    tenfold), then projected to the real cap with the largest file the size cap lets in."""
    cap = limits.MAX_JSON_VALUES
    monkeypatch.setattr(limits, "MAX_JSON_VALUES", cap // 5)
    path = tmp_path / "service_list.json"
    path.write_text("[" + ",".join(["{}"] * (cap // 5 + 50_000)) + "]")
    tracemalloc.start()
    try:
        with pytest.raises(HsdsImportError) as info:
            import_path(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.errors == [
        f"service_list.json line 1: more values than one import takes ({cap // 5:,} in all "
        "its JSON; import the directory in parts)"
    ]
    # The file's bytes and text (up to 4 bytes a character) are held while it is parsed.
    projected = peak * 5 + 5 * limits.MAX_FILE_BYTES
    assert projected < MEMORY_TARGET, f"{peak / 1024**2:.0f} MB at a fifth of the cap"
    assert not Resource.objects.exists()


def test_json_nested_thousands_deep_is_refused_not_a_recursion_error(tmp_path, db):
    path = tmp_path / "service_full.json"
    path.write_text('{"id": "x", "phones": ' + "[" * 100_000 + "]" * 100_000 + "}")
    errors = refused_within_memory(path)
    assert errors == ["service_full.json line 1: nested more than 32 levels deep"]


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path, db):
    path = tmp_path / "service_list.json"
    with open(path, "wb") as handle:  # sparse: the size is there, the bytes are not
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    errors = refused_within_memory(path)
    assert errors == [
        "service_list.json: the file is 10.0 MB; at most 10 MB per file (import the "
        "directory in parts)"
    ]


def test_a_json_string_of_megabytes_is_refused_by_the_cell_cap(tmp_path, db):
    record = json.loads((SHARED / "json" / "service_full.json").read_text())
    # One character outside Latin-1 makes Python hold the text at 4 bytes a character.
    record["description"] = "😀" + "x" * (9 * 1024**2)
    path = tmp_path / "service_full.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    errors = refused_within_memory(path)
    assert any(
        e.startswith("service_full.json line 1: service.description is longer than 10,000")
        for e in errors
    ), errors


def test_a_csv_field_over_the_csv_limit_is_refused_with_its_line(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "services.csv", lambda rows: [rows[0] | {"description": "x" * 5_000_000}])
    errors = refused_within_memory(package)
    assert any(
        e.startswith("services.csv line 2: not readable as CSV (field larger than field limit")
        for e in errors
    ), errors


def test_a_csv_field_over_the_cell_cap_is_refused_with_its_line(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "services.csv", lambda rows: [rows[0] | {"description": "x" * 100_000}])
    errors = refused_within_memory(package)
    assert "services.csv line 2: description is longer than 10,000 characters (100,000)" in errors


def test_a_zip_bomb_is_refused_unopened(tmp_path, db):
    """Zips are not taken (unpack first): a bomb is refused by its name, never inflated."""
    bomb = tmp_path / "directory.zip"
    chunk = b"\0" * 1024**2
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("services.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(200):
            member.write(chunk)
    assert bomb.stat().st_size < 1024**2
    errors = refused_within_memory(bomb)
    assert errors == [
        "directory.zip: not a JSON file; import a .json file, a folder of them, or a CSV "
        "folder with its datapackage.json (unpack a .zip first)"
    ]


def test_a_csv_with_too_many_columns_is_refused(tmp_path, db):
    package = copy_sample(tmp_path)
    header = ",".join(f"c{n}" for n in range(limits.MAX_COLUMNS + 1))
    (package / "services.csv").write_text(header + "\n")
    errors = refused_within_memory(package)
    assert "services.csv line 1: 201 columns; at most 200" in errors


def test_rows_over_the_cap_stop_the_reading(tmp_path, db, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    errors = refused_within_memory(copy_sample(tmp_path))
    assert len([e for e in errors if "more than 5 records in one package" in e]) == 1, errors


def test_the_value_budget_is_for_the_whole_package_not_each_file(tmp_path, db, monkeypatch):
    monkeypatch.setattr(limits, "MAX_JSON_VALUES", 1_000)
    folder = tmp_path / "json"
    folder.mkdir()
    for n in range(3):
        (folder / f"part{n}_list.json").write_text(json.dumps({"contents": [0] * 400}))
    errors = refused_within_memory(folder)
    assert any("part2_list.json line 1: more values than one import takes" in e for e in errors)


def test_the_package_size_and_file_count_are_capped(tmp_path, db, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PACKAGE_BYTES", 100_000)
    errors = refused_within_memory(copy_sample(tmp_path))
    assert any("datapackage.json: the package is over 0 MB" in e for e in errors), errors
    monkeypatch.setattr(limits, "MAX_FILES", 2)
    folder = tmp_path / "json"
    shutil.copytree(SHARED / "json", folder)
    errors = refused_within_memory(folder)
    assert errors == [f"{folder}: 7 JSON files; at most 2 in one import"]


def test_a_datapackage_cannot_point_outside_its_folder(tmp_path, db):
    package = copy_sample(tmp_path)
    outside = tmp_path / "outside.csv"
    shutil.copy(package / "services.csv", outside)
    descriptor = json.loads((package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] == "service":
            resource["path"] = "../outside.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    os.remove(package / "services.csv")
    errors = refused_within_memory(package)
    assert "datapackage.json: '../outside.csv' is outside the package" in errors
