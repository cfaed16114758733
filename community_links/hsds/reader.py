"""Read an HSDS package into flat tables, remembering the file and line of every row, so every
problem can be reported where it is. Nothing here touches the database."""

import bisect
import csv
import json
import json.decoder
import json.scanner
from dataclasses import dataclass, field
from pathlib import Path

from community_links.hsds.spec import NESTING, tables


@dataclass
class Row:
    data: dict
    source: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.source} line {self.line}"


@dataclass
class Package:
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def table(self, name: str) -> dict[str, Row]:
        return self.rows.setdefault(name, {})


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
        # Files apply in name order, each an update of what came before (HSDS examples are
        # separate documents that may disagree); inside one file, copies must agree.
        for file in files:
            part = Package()
            read_json_file(file, part)
            _apply(package, part)
    elif path.is_file():
        read_json_file(path, package)
    else:
        package.errors.append(f"{path}: no such file or folder")
    return package


def _apply(package: Package, part: Package) -> None:
    package.errors.extend(part.errors)
    package.warnings.extend(part.warnings)
    for table, rows in part.rows.items():
        target = package.table(table)
        for rid, row in rows.items():
            if rid in target:
                row.data = {**target[rid].data, **row.data}
            target[rid] = row


# --- CSV ------------------------------------------------------------------------------------


def read_csv_package(folder: Path, package: Package) -> None:
    try:
        descriptor = _load_json(folder / "datapackage.json")
    except ValueError as exc:
        package.errors.append(f"datapackage.json {exc}")
        return
    known = tables()
    for resource in descriptor.get("resources", []) if isinstance(descriptor, dict) else []:
        name, rel = resource.get("name"), resource.get("path")
        if name not in known or not isinstance(rel, str):
            package.warnings.append(f"datapackage.json: skipped unknown resource {name!r}")
            continue
        file = folder / rel
        if not file.is_file():
            package.errors.append(f"{rel}: listed in datapackage.json but missing")
            continue
        try:
            _read_csv(file, rel, known[name], package)
        except UnicodeDecodeError:
            package.errors.append(f"{rel}: not UTF-8 text")
        except csv.Error as exc:
            package.errors.append(f"{rel}: not readable as CSV ({exc})")


def _read_csv(file: Path, rel: str, table, package: Package) -> None:
    with open(file, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            return
        unknown = [c for c in header if c not in table.types]
        if unknown:
            package.warnings.append(f"{rel} line 1: ignored unknown columns {', '.join(unknown)}")
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(values):
                continue
            if len(values) != len(header):
                package.errors.append(
                    f"{rel} line {line}: expected {len(header)} values, found {len(values)}"
                )
                continue
            record = {}
            for column, value in zip(header, values, strict=True):
                if column not in table.types or value == "":
                    continue
                if table.types[column] == "number":
                    number = parse_number(value)
                    if number is None:
                        package.errors.append(
                            f"{rel} line {line}: {column} must be a number, got {value!r}"
                        )
                        continue
                    record[column] = number
                else:
                    record[column] = value
            _add(package, table.name, Row(record, rel, line), merge=False)


def parse_number(value: str) -> int | float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    if number.is_integer() and "." not in value and "e" not in value.lower():
        return int(number)
    return number


# --- JSON -----------------------------------------------------------------------------------


class _Object(dict):
    line = 0


def _load_json(file: Path):
    """Parse JSON keeping the line each object starts on (obj.line)."""
    text = file.read_text(encoding="utf-8-sig")
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")

    def parse_object(s_and_end, *args, **kwargs):
        obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
        result = _Object(obj)
        result.line = bisect.bisect_right(starts, s_and_end[1] - 1)
        return result, end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    try:
        value, end = decoder.raw_decode(text, json.decoder.WHITESPACE.match(text, 0).end())
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if text[end:].strip():
        raise ValueError(f"line {bisect.bisect_right(starts, end)}: unexpected text after JSON")
    return value


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
        value = _load_json(file)
    except UnicodeDecodeError:
        package.errors.append(f"{name}: not UTF-8 text")
        return
    except ValueError as exc:
        package.errors.append(f"{name} {exc}")
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
                package.errors.append(
                    f"{source} line {line}: {table_name}.{key} must be a "
                    f"{table.types[key]}, got {json.dumps(value)[:60]}"
                )
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
    _add(package, table_name, Row(record, source, line), merge=True)
    return own_id


def _json_type_ok(value, expected: str) -> bool:
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def _add(package: Package, table_name: str, row: Row, *, merge: bool) -> None:
    rid = row.data.get("id")
    if rid is None:
        package.errors.append(f"{row.where}: {table_name} has no id")
        return
    rows = package.table(table_name)
    existing = rows.get(rid)
    if existing is None:
        rows[rid] = row
        return
    if not merge:
        package.errors.append(
            f"{row.where}: duplicate {table_name} id {rid} (first on line {existing.line})"
        )
        return
    # The same record nested in several places: the copies must agree.
    for key, value in row.data.items():
        if key in existing.data and existing.data[key] != value:
            package.errors.append(
                f"{row.where}: {table_name} {rid} has {key}={value!r}, but {existing.where} "
                f"says {existing.data[key]!r}"
            )
        else:
            existing.data[key] = value
