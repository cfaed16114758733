"""The manifest: which OneRoster version a bundle is, and which of its files are bulk (the
whole truth: what is not in it is gone), delta (changes only) or absent (not read, even if
present)."""

from __future__ import annotations

from schoolwell.roster.bundle import Bundle, Problems
from schoolwell.roster.records import Parsed
from schoolwell.roster.table import column, read_table

VERSIONS = ("1.1", "1.2")


def parse_manifest(bundle: Bundle, parsed: Parsed, problems: Problems, files: tuple) -> None:
    """Sets the version and the mode of each of `files` the manifest lists."""
    if not bundle.has("manifest.csv"):
        problems.add(bundle.name, None, "no manifest.csv")
        return
    shown = bundle.display_name("manifest.csv")
    props: dict[str, tuple[str, int]] = {}
    columns = [column("propertyName", required=True), column("value", required=True)]
    for line, (name, value) in read_table(bundle, "manifest.csv", columns, problems):
        props[name.lower()] = (value, line)
    version, line = props.get("oneroster.version", ("", 1))
    parsed.version = next((v for v in VERSIONS if version == v or version.startswith(v + ".")), "")
    if not parsed.version:
        shown_version = repr(version) if version else "missing"
        problems.add(shown, line, f"oneroster.version is {shown_version}: expected 1.1 or 1.2")
        return
    for key in files:
        if key == "roles" and parsed.version == "1.1":
            continue
        _file_mode(bundle, parsed, problems, props, key, shown)


def _file_mode(bundle, parsed: Parsed, problems: Problems, props, key: str, shown: str) -> None:
    filename = f"{key}.csv"
    value, line = props.get(f"file.{key}".lower(), (None, 1))
    if value is None:
        if bundle.has(filename):
            problems.add(shown, None, f"{filename} is in the bundle but file.{key} is not listed")
        return
    mode = value.lower()
    if mode in ("", "absent"):
        return
    if mode not in ("bulk", "delta"):
        problems.add(shown, line, f"file.{key} is {value!r}: expected bulk, delta or absent")
    elif not bundle.has(filename):
        problems.add(shown, line, f"file.{key} is {mode} but {filename} is not in the bundle")
    else:
        parsed.modes[key] = mode
