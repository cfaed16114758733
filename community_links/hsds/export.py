"""The directory as HSDS 3.0: flat tables (for the CSV datapackage) and JSON (full service
records with their organisation, locations, schedules, languages and phones, plus a list per
table of the rows no service carries). Re-importing an export gives the same directory. CSV
cells go through SafeWriter (no cell runs as a spreadsheet formula; see hsds.cells)."""

import json
import uuid
from pathlib import Path

from community_links.hsds.cells import to_cell
from community_links.hsds.load import EDITABLE, hsds_date
from community_links.hsds.spec import NESTING, SPEC_DIR, tables
from community_links.models import (
    HsdsRecord,
    Language,
    Location,
    Organization,
    Phone,
    Resource,
    ResourceLocation,
    Schedule,
    TaxonomyTerm,
)
from schoolwell.exports import SafeWriter

LANGUAGE_NAMESPACE = uuid.UUID("6f1c2a52-5b7e-4c59-9b4e-3a4c1e0d7a11")


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _row(table: str, hsds_id: str, data: dict, overlay: dict | None = None) -> dict:
    record = {"id": hsds_id, **data}
    for key, value in (overlay or {}).items():
        if value in (None, ""):
            record.pop(key, None)
        else:
            record[key] = _number(value)
    order = tables()[table].columns
    return {k: record[k] for k in order if k in record} | {
        k: v for k, v in record.items() if k not in order
    }


def export_tables() -> dict[str, list[dict]]:
    """Every HSDS table as a list of flat records, ordered by id."""
    out: dict[str, list[dict]] = {name: [] for name in tables()}
    for org in Organization.objects.order_by("hsds_id"):
        overlay = {k: getattr(org, k) for k in EDITABLE["organization"]}
        out["organization"].append(_row("organization", org.hsds_id, org.data, overlay))
    for loc in Location.objects.order_by("hsds_id"):
        overlay = {k: getattr(loc, k) for k in EDITABLE["location"]}
        out["location"].append(_row("location", loc.hsds_id, loc.data, overlay))
    resources = Resource.objects.select_related("organization").prefetch_related("language_rows")
    for res in resources.order_by("hsds_id"):
        overlay = {k: getattr(res, k) for k in EDITABLE["service"]}
        overlay["organization_id"] = res.organization.hsds_id
        if res.last_verified != hsds_date(res.data.get("assured_date")):
            # Checked again since the import (or edited in the CMS): publish the new date.
            overlay["assured_date"] = res.last_verified.isoformat() if res.last_verified else None
        out["service"].append(_row("service", res.hsds_id, res.data, overlay))
        out["language"].extend(_added_languages(res))
    sals = ResourceLocation.objects.select_related("resource", "location").order_by("hsds_id")
    for sal in sals:
        overlay = {"service_id": sal.resource.hsds_id, "location_id": sal.location.hsds_id}
        out["service_at_location"].append(
            _row("service_at_location", sal.hsds_id, sal.data, overlay)
        )
    for table, model in (
        ("taxonomy_term", TaxonomyTerm),
        ("phone", Phone),
        ("schedule", Schedule),
        ("language", Language),
    ):
        out[table].extend(_row(table, o.hsds_id, o.data) for o in model.objects.order_by("hsds_id"))
    for record in HsdsRecord.objects.order_by("table", "hsds_id"):
        if record.table in out:
            out[record.table].append(_row(record.table, record.hsds_id, record.data))
    out["language"].sort(key=lambda r: r["id"])
    return out


def _added_languages(resource: Resource) -> list[dict]:
    """Languages an editor added in the CMS (no HSDS row yet) get a stable id."""
    have = {lang.code for lang in resource.language_rows.all()}
    return [
        {
            "id": str(uuid.uuid5(LANGUAGE_NAMESPACE, f"{resource.hsds_id}:{code}")),
            "service_id": resource.hsds_id,
            "code": code,
        }
        for code in resource.languages
        if code not in have
    ]


def _cell(value):
    """A number stays a number (csv writes it as str() would, and SafeWriter never quotes a
    number: "-121.49" is a longitude, not a formula); text goes through the guard."""
    if value is None:
        return ""
    value = _number(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return to_cell(str(value))


def export_csv(out: Path | str, data: dict[str, list[dict]] | None = None) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = data if data is not None else export_tables()
    (out / "datapackage.json").write_text((SPEC_DIR / "datapackage.json").read_text())
    for name, table in tables().items():
        with open(out / table.path, "w", newline="", encoding="utf-8") as handle:
            writer = SafeWriter(handle)
            writer.writerow(table.columns)
            for record in data[name]:
                writer.writerow([_cell(record.get(c)) for c in table.columns])
    return out


def export_json(out: Path | str, data: dict[str, list[dict]] | None = None) -> Path:
    """service_list.json (full service records), organization_list.json, and for every other
    table the rows no service record carries, as <table>_list.json."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = data if data is not None else export_tables()
    nester = _Nester(data)
    services = [nester.build("service", r, came_from=None) for r in data["service"]]
    nester.emitted.update(("organization", r["id"]) for r in data["organization"])
    _write_list(out / "service_list.json", services)
    _write_list(out / "organization_list.json", data["organization"])
    for table, records in data.items():
        if table in ("service", "organization"):
            continue
        rest = [r for r in records if (table, r["id"]) not in nester.emitted]
        if rest:
            _write_list(out / f"{table}_list.json", rest)
    return out


def _write_list(path: Path, records: list[dict]) -> None:
    page = {
        "total_items": len(records),
        "total_pages": 1,
        "page_number": 1,
        "size": len(records),
        "first_page": True,
        "last_page": True,
        "empty": not records,
        "contents": records,
    }
    path.write_text(json.dumps(page, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


class _Nester:
    """Builds nested records by following the links the rows actually carry, so nesting and
    flattening are inverse."""

    def __init__(self, data: dict[str, list[dict]]):
        self.by_id = {t: {r["id"]: r for r in rows} for t, rows in data.items()}
        self.children: dict[tuple[str, str], dict[str, list[dict]]] = {}
        for rows_table, rows in data.items():
            for fk in {f for n in NESTING.values() for (t, k, f) in n.values() if t == rows_table}:
                index = self.children.setdefault((rows_table, fk), {})
                for r in rows:
                    if r.get(fk) is not None:
                        index.setdefault(r[fk], []).append(r)
        self.emitted: set[tuple[str, str]] = set()

    def build(self, table: str, record: dict, came_from: str | None, depth: int = 0) -> dict:
        self.emitted.add((table, record["id"]))
        result = dict(record)
        if depth > 4:
            return result
        for key, (child, kind, fk) in NESTING.get(table, {}).items():
            if child in (came_from, table):
                continue
            if kind == "parent":
                target = self.by_id.get(child, {}).get(record.get(fk))
                if target is not None:
                    # The organisation and programme of a service go in flat: their own
                    # lists carry the rest.
                    shallow = child in ("organization", "program")
                    result[key] = (
                        dict(target)
                        if shallow
                        else self.build(child, target, came_from=table, depth=depth + 1)
                    )
                    self.emitted.add((child, target["id"]))
                continue
            rows = self.children.get((child, fk), {}).get(record["id"], [])
            if child == "metadata":
                rows = [r for r in rows if r.get("resource_type") in (None, table)]
            if rows:
                result[key] = [self.build(child, r, came_from=table, depth=depth + 1) for r in rows]
        return result
