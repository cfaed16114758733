"""Read an HSDS package into flat tables, remembering the file and line of every row, so every
problem can be reported where it is. Nothing here touches the database."""

import json
import math
from pathlib import Path

from community_links.hsds import limits
from community_links.hsds.csvread import read_csv_package
from community_links.hsds.limits import cell_problem
from community_links.hsds.package import Package, Row, add_row, apply, load_json_file, not_utf8
from community_links.hsds.spec import NESTING, tables

__all__ = ["Package", "Row", "read_path"]


def read_path(path: Path) -> Package:
    """A CSV datapackage folder, a folder of JSON files, or one JSON file."""
    package = Package()
    path = Path(path)
    if path.is_dir() and (path / "datapackage.json").exists():
        read_csv_package(path, package)
    elif path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            package.errors.append(f"{path}: no datapackage.json and no JSON files")
        if len(files) > limits.MAX_FILES:
            package.errors.append(
                f"{path}: {len(files)} JSON files; at most {limits.MAX_FILES} in one import"
            )
            return package
        # Files apply in name order, each an update of what came before (HSDS examples are
        # separate documents that may disagree); inside one file, copies must agree.
        for file in files:
            part = Package(
                count=package.count,
                bytes_read=package.bytes_read,
                json_values=package.json_values,
            )
            read_json_file(file, part)
            apply(package, part)
            if package.stop:
                break
    elif path.is_file() and path.suffix.lower() != ".json":
        package.errors.append(
            f"{path.name}: not a JSON file; import a .json file, a folder of them, or a CSV "
            "folder with its datapackage.json (unpack a .zip first)"
        )
    elif path.is_file():
        read_json_file(path, package)
    else:
        package.errors.append(f"{path}: no such file or folder")
    return package


# --- JSON -----------------------------------------------------------------------------------


def _table_for(stem: str, value) -> str | None:
    known = tables()
    name = stem.lower()
    for suffix in ("_list", "_full", "-list", "-full"):
        name = name.removesuffix(suffix)
    for candidate in (name, name.removesuffix("s"), name.removesuffix("ies") + "y"):
        if candidate in known:
            return candidate
    sample = value
    if isinstance(value, dict) and isinstance(value.get("contents"), list):
        sample = value["contents"][0] if value["contents"] else {}
    elif isinstance(value, list):
        sample = value[0] if value else {}
    if not isinstance(sample, dict):
        return None
    if "service_at_locations" in sample or ("status" in sample and "name" in sample):
        return "service"
    if "location_type" in sample:
        return "location"
    if "services" in sample or "legal_status" in sample:
        return "organization"
    if "location" in sample and "service" in sample:
        return "service_at_location"
    return None


def read_json_file(file: Path, package: Package) -> None:
    name = file.name
    try:
        value = load_json_file(file, package, name)
    except UnicodeDecodeError as exc:
        package.errors.append(f"{name} {not_utf8(file, exc)}")
        return
    except ValueError as exc:
        package.errors.append(f"{name} {exc}")
        return
    except OSError as exc:
        package.errors.append(f"{name}: cannot be read ({exc.strerror or exc})")
        return
    if value is None:
        return
    table = _table_for(file.stem, value)
    if table is None:
        package.errors.append(f"{name}: cannot tell which HSDS table this file holds")
        return
    if isinstance(value, dict) and "contents" in value:
        items = value["contents"]
        if not isinstance(items, list):
            package.errors.append(f"{name} line {value.line}: contents must be a list")
            return
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    for item in items:
        if package.stop:
            return
        _walk(package, item, table, name, implied={})


def _walk(package: Package, obj, table_name: str, source: str, implied: dict) -> str | None:
    """Flatten one (possibly nested) record; returns its id."""
    line = getattr(obj, "line", 0)
    if not isinstance(obj, dict):
        package.errors.append(f"{source} line {line}: a {table_name} must be an object")
        return None
    table = tables()[table_name]
    nesting = NESTING.get(table_name, {})
    record: dict = {}
    children = []
    for key, value in obj.items():
        if key in nesting:
            children.append((key, value))
        elif key in table.types:
            if value is None or value == "":
                continue
            if not _json_type_ok(value, table.types[key]):
                shown = json.dumps(value[:60] if isinstance(value, str) else value)[:60]
                package.errors.append(
                    f"{source} line {line}: {table_name}.{key} must be a "
                    f"{_TYPE_NAMES.get(table.types[key], table.types[key])}, got {shown}"
                )
                continue
            problem = cell_problem(value) if isinstance(value, str) else None
            if problem:
                package.errors.append(f"{source} line {line}: {table_name}.{key} {problem}")
                continue
            record[key] = value
    for key, value in implied.items():
        if value is None:
            continue
        if key in record and record[key] != value and key not in ("resource_type", "link_entity"):
            package.errors.append(
                f"{source} line {line}: {table_name}.{key} is {record[key]!r} but the record "
                f"is nested under {value!r}"
            )
        record.setdefault(key, value)
    own_id = record.get("id")
    for key, value in children:
        child_table, kind, fk = nesting[key]
        if value is None:
            continue
        if kind == "parent":
            child_id = _walk(package, value, child_table, source, implied={})
            if child_id is not None:
                record.setdefault(fk, child_id)
            continue
        if not isinstance(value, list):
            package.errors.append(f"{source} line {line}: {table_name}.{key} must be a list")
            continue
        extra = {"resource_type": table_name} if child_table == "metadata" else {}
        for item in value:
            _walk(package, item, child_table, source, implied={fk: own_id, **extra})
    add_row(package, table_name, Row(record, source, line), merge=True)
    return own_id


_TYPE_NAMES = {"number": "finite number", "integer": "whole number"}


def _finite(value) -> bool:
    try:
        return math.isfinite(value)  # 1e999 parses as inf; 10**400 cannot become a float
    except OverflowError:
        return False


def _json_type_ok(value, expected: str) -> bool:
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and _finite(value)
    return isinstance(value, str)
