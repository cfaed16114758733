"""Small OneRoster 1.2 bundles written row by row, for tests about who may import what and
how big a bundle may be."""

import csv
import io
import zipfile
from pathlib import Path

HEADERS = {
    "orgs": ["sourcedId", "status", "name", "type", "identifier", "parentSourcedId"],
    "users": [
        "sourcedId", "status", "enabledUser", "givenName", "familyName", "identifier", "email",
        "agentSourcedIds", "grades", "primaryOrgSourcedId",
    ],
    "roles": ["sourcedId", "status", "userSourcedId", "role", "orgSourcedId"],
    "classes": ["sourcedId", "status", "schoolSourcedId", "termSourcedIds"],
    "enrollments": [
        "sourcedId", "status", "classSourcedId", "schoolSourcedId", "userSourcedId", "role",
    ],
}  # fmt: skip


def org(sid: str, name: str, kind: str = "school", parent: str = "", status: str = "active"):
    return [sid, status, name, kind, "", parent]


def person(
    sid: str,
    given: str,
    family: str,
    *,
    email: str = "",
    org: str = "",
    agents: str = "",
    identifier: str = "",
    status: str = "active",
):
    return [sid, status, "true", given, family, identifier or sid, email, agents, "07", org]


def role(sid: str, user: str, name: str, org: str, status: str = "active"):
    return [sid, status, user, name, org]


def klass(sid: str, school: str, status: str = "active"):
    return [sid, status, school, ""]


def enrollment(sid: str, klass: str, school: str, user: str, name: str, status: str = "active"):
    return [sid, status, klass, school, user, name]


def files(mode: str = "delta", **tables: list[list[str]]) -> dict[str, bytes]:
    """The CSV files of a bundle: a manifest listing each table given, in `mode`."""
    out = {}
    manifest = [["propertyName", "value"], ["manifest.version", "1.0"]]
    manifest.append(["oneroster.version", "1.2"])
    for name in ("orgs", "users", "roles", "classes", "enrollments"):
        if name in tables:
            manifest.append([f"file.{name}", mode])
            out[f"{name}.csv"] = as_csv([HEADERS[name], *tables[name]])
    out["manifest.csv"] = as_csv(manifest)
    return out


def as_csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def write_folder(target: Path, members: dict[str, bytes]) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name, data in members.items():
        (target / name).write_bytes(data)
    return target


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
