"""Read a tabular HSDS datapackage (datapackage.json and its CSV files) into a Package."""

import csv
import math
import re
from pathlib import Path

from community_links.hsds import limits
from community_links.hsds.cells import from_cell
from community_links.hsds.limits import cell_problem
from community_links.hsds.package import Package, Row, add_row, load_json_file, not_utf8
from community_links.hsds.spec import tables


def read_csv_package(folder: Path, package: Package) -> None:
    try:
        descriptor = load_json_file(folder / "datapackage.json", package, "datapackage.json")
    except UnicodeDecodeError as exc:
        package.errors.append(f"datapackage.json {not_utf8(folder / 'datapackage.json', exc)}")
        return
    except ValueError as exc:
        package.errors.append(f"datapackage.json {exc}")
        return
    except OSError as exc:
        package.errors.append(f"datapackage.json: cannot be read ({exc.strerror or exc})")
        return
    if descriptor is None:
        return
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        package.errors.append("datapackage.json: resources must be a list of objects")
        return
    known = tables()
    root = folder.resolve()
    for resource in resources:
        name, rel = resource.get("name"), resource.get("path")
        if name not in known or not isinstance(rel, str):
            package.warnings.append(f"datapackage.json: skipped unknown resource {name!r}"[:200])
            continue
        file = (folder / rel).resolve()
        # A path is read only inside the package: never "../../etc/passwd" or "/etc/passwd".
        if not file.is_relative_to(root):
            package.errors.append(f"datapackage.json: {rel[:100]!r} is outside the package")
            continue
        if not file.is_file():
            package.errors.append(f"{rel}: listed in datapackage.json but missing")
            continue
        if not package.admit(file, rel):
            continue
        try:
            _read_csv(file, rel, known[name], package)
        except UnicodeDecodeError as exc:
            package.errors.append(f"{rel} {not_utf8(file, exc)}")
        except OSError as exc:
            package.errors.append(f"{rel}: cannot be read ({exc.strerror or exc})")
        if package.stop:
            break


def _read_csv(file: Path, rel: str, table, package: Package) -> None:
    with open(file, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            _read_rows(reader, rel, table, package)
        except csv.Error as exc:
            # A field over the csv module's limit (128 KB), NUL in old Pythons, ...: the line
            # it was met on, and the rest of the file is not read.
            package.errors.append(f"{rel} line {reader.line_num}: not readable as CSV ({exc})")


def _read_rows(reader, rel: str, table, package: Package) -> None:
    header = next(reader, None)
    if not header:
        return
    if len(header) > limits.MAX_COLUMNS:
        package.errors.append(f"{rel} line 1: {len(header)} columns; at most {limits.MAX_COLUMNS}")
        return
    unknown = [c for c in header if c not in table.types]
    if unknown:
        listed = ", ".join(unknown)[:500]
        package.warnings.append(f"{rel} line 1: ignored unknown columns {listed}")
    start = reader.line_num + 1
    for values in reader:
        line, start = start, reader.line_num + 1
        if package.stop:
            return
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
            problem = cell_problem(value)
            if problem:
                package.errors.append(f"{rel} line {line}: {column} {problem}")
            elif table.types[column] == "number":
                number = parse_number(value)
                if number is None:
                    package.errors.append(
                        f"{rel} line {line}: {column} must be a number, got {value[:60]!r}"
                    )
                    continue
                record[column] = number
            else:
                record[column] = from_cell(value)
        add_row(package, table.name, Row(record, rel, line), merge=False)


# A number as JSON writes it, in ASCII digits: float() would also take "١٢" (12), "1_000"
# and " 7 ", numbers nobody wrote.
NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", re.ASCII)


def parse_number(value: str) -> int | float | None:
    if not NUMBER.fullmatch(value):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    if number.is_integer() and "." not in value and "e" not in value.lower():
        return int(number)
    return number
