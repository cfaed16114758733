"""Write a checked HSDS package into the directory: all or nothing, upserting by HSDS id
(a re-import updates, never duplicates). Tables we model become directory rows with their
unmodelled columns kept in `data`; the rest become HsdsRecord rows. Every row passes the
model's full_clean before it is saved, and whatever the database still refuses is caught at
that row: each problem is a message with the file and line, never a traceback."""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction

from community_links.hsds.checks import check
from community_links.hsds.limits import Problems
from community_links.hsds.reader import Package, Row, read_path
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
from community_links.needs import guess_categories, normalise_language

MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "location": Location,
    "service": Resource,
    "service_at_location": ResourceLocation,
    "taxonomy_term": TaxonomyTerm,
    "phone": Phone,
    "schedule": Schedule,
    "language": Language,
}
# Columns the snippet editor may change: exported from the model, not from `data`.
EDITABLE = {
    "organization": ("name", "description", "email", "website"),
    "location": ("name", "location_type", "latitude", "longitude"),
    "service": (
        "name",
        "description",
        "status",
        "url",
        "email",
        "application_process",
        "fees_description",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
    ),
}


# Model fields named as the HSDS column they hold, for messages.
COLUMN = {
    "hsds_id": "id",
    "organization": "organization_id",
    "resource": "service_id",
    "location": "location_id",
    "resource_location": "service_at_location_id",
}
LANGUAGE_CODES_MAX = Resource._meta.get_field("language_codes").max_length


class _Refused(Exception):
    """A row that cannot be written because a row it refers to was refused."""


class HsdsImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s): " + "; ".join(errors[:5]))
        self.errors = errors


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def existing_ids(table: str) -> set[str]:
    if table in MODELS:
        return set(MODELS[table].objects.values_list("hsds_id", flat=True))
    return set(HsdsRecord.objects.filter(table=table).values_list("hsds_id", flat=True))


def import_path(path: Path | str) -> ImportResult:
    """Import an HSDS package. Raises HsdsImportError with every line-numbered problem and
    changes nothing when any row is wrong."""
    package = read_path(Path(path))
    # A package read only in part (over a cap) is not checked further: its rest is unknown.
    errors = package.errors if package.stop else package.errors + check(package, existing_ids)
    if errors:
        raise HsdsImportError(errors)
    return _write(package)


@transaction.atomic
def _write(package: Package) -> ImportResult:
    result = ImportResult(warnings=list(package.warnings))
    writer = _Writer(package, result)
    for table in ("organization", "location", "service", "service_at_location"):
        writer.modelled(table)
    for table in ("taxonomy_term", "phone", "schedule", "language"):
        writer.modelled(table)
    for table, rows in package.rows.items():
        if table not in MODELS:
            writer.records(table, rows)
    if not writer.errors:
        writer.derive()
    if writer.errors:
        transaction.set_rollback(True)
        raise HsdsImportError(writer.errors)
    return result


class _Writer:
    def __init__(self, package: Package, result: ImportResult):
        self.package, self.result, self.errors = package, result, Problems()
        self.saved: dict[str, dict[str, models.Model]] = {}
        self.refused: dict[str, set[str]] = {}

    def lookup(self, table: str, hsds_id: str | None):
        if hsds_id is None:
            return None
        if hsds_id in self.refused.get(table, ()):
            raise _Refused(f"it refers to {table} {hsds_id}, which is refused above")
        if hsds_id in self.saved.get(table, {}):
            return self.saved[table][hsds_id]
        return MODELS[table].objects.filter(hsds_id=hsds_id).first()

    def modelled(self, table: str) -> None:
        rows = self.package.rows.get(table, {})
        if not rows:
            return
        model = MODELS[table]
        existing = model.objects.in_bulk(list(rows), field_name="hsds_id")
        saved = self.saved.setdefault(table, {})
        for hsds_id, row in rows.items():
            obj = existing.get(hsds_id)
            created = obj is None
            if created:
                obj = model(hsds_id=hsds_id)
            try:
                values = getattr(self, f"_{table}")(row)
            except _Refused as exc:
                self.errors.append(f"{row.where}: {table} {hsds_id} not imported: {exc}")
                self.refused.setdefault(table, set()).add(hsds_id)
                continue
            data = {k: v for k, v in row.data.items() if k != "id"}
            for key in EDITABLE.get(table, ()):
                data.pop(key, None)
            if table == "service":
                data.pop("organization_id", None)
            values["data"] = data
            changed = created
            for name, value in values.items():
                field = model._meta.get_field(name)
                if field.is_relation:
                    current, wanted = getattr(obj, field.attname), value.pk if value else None
                else:
                    current, wanted = getattr(obj, name), value
                if current != wanted:
                    setattr(obj, name, value)
                    changed = True
            if changed and not self._save(obj, row, table, publish=table == "service"):
                self.refused.setdefault(table, set()).add(hsds_id)
                continue
            saved[hsds_id] = obj
            counter = self.result.created if created else self.result.updated
            if changed:
                counter[table] = counter.get(table, 0) + 1

    def _save(self, obj: models.Model, row: Row, table: str, *, publish: bool = False) -> bool:
        """full_clean, then save in a savepoint: a row the model or the database refuses
        becomes a message with its line, and the import goes on to find the next one (the
        whole import is rolled back when there is any)."""
        try:
            # Uniqueness is by HSDS id, which the upsert keeps; constraints (a service at a
            # location once) are checked. `data` is built here, and an HsdsRecord may hold
            # nothing but its id (an empty `data` is not "blank").
            obj.full_clean(exclude=["data"], validate_unique=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                what = table if name == "__all__" else f"{table}.{COLUMN.get(name, name)}"
                self.errors.extend(f"{row.where}: {what}: {m}" for m in messages)
            return False
        try:
            with transaction.atomic():
                obj.save()
                if publish:
                    obj.save_revision().publish()
        except (ValidationError, IntegrityError, DataError, ValueError) as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            self.errors.append(f"{row.where}: {table} could not be saved ({first})")
            return False
        return True

    def records(self, table: str, rows: dict[str, Row]) -> None:
        existing = {r.hsds_id: r for r in HsdsRecord.objects.filter(table=table, hsds_id__in=rows)}
        for hsds_id, row in rows.items():
            data = {k: v for k, v in row.data.items() if k != "id"}
            record = existing.get(hsds_id)
            if record is None:
                record = HsdsRecord(table=table, hsds_id=hsds_id, data=data)
                if self._save(record, row, table):
                    self.result.created[table] = self.result.created.get(table, 0) + 1
            elif record.data != data:
                record.data = data
                if self._save(record, row, table):
                    self.result.updated[table] = self.result.updated.get(table, 0) + 1

    # --- per table: HSDS row -> model fields ------------------------------------------------

    def _organization(self, row: Row) -> dict:
        d = row.data
        return {
            "name": d.get("name", ""),
            "description": d.get("description", ""),
            "email": d.get("email", ""),
            "website": d.get("website", ""),
        }

    def _location(self, row: Row) -> dict:
        d = row.data
        return {
            "organization": self.lookup("organization", d.get("organization_id")),
            "name": d.get("name", ""),
            "location_type": d.get("location_type", "physical"),
            "latitude": d.get("latitude"),
            "longitude": d.get("longitude"),
        }

    def _service(self, row: Row) -> dict:
        d = row.data
        return {
            "organization": self.lookup("organization", d["organization_id"]),
            **{k: d.get(k, "") for k in EDITABLE["service"] if not k.endswith("_age")},
            "minimum_age": d.get("minimum_age"),
            "maximum_age": d.get("maximum_age"),
            # The column itself stays in `data` as published; the date drives "last checked".
            "last_verified": hsds_date(d.get("assured_date")),
        }

    def _service_at_location(self, row: Row) -> dict:
        d = row.data
        return {
            "resource": self.lookup("service", d["service_id"]),
            "location": self.lookup("location", d["location_id"]),
        }

    def _taxonomy_term(self, row: Row) -> dict:
        d = row.data
        values = {
            "code": d.get("code", ""),
            "name": d.get("name", ""),
            "taxonomy": d.get("taxonomy", ""),
        }
        current = TaxonomyTerm.objects.filter(hsds_id=d["id"]).only("category").first()
        if current is None or current.category_id is None:
            guesses = guess_categories(f"{values['code']} {values['name']}")
            values["category"] = guesses[0] if guesses else None
        return values

    def _phone(self, row: Row) -> dict:
        d = row.data
        return {
            "number": d.get("number", ""),
            "resource": self.lookup("service", d.get("service_id")),
            "organization": self.lookup("organization", d.get("organization_id")),
            "location": self.lookup("location", d.get("location_id")),
        }

    def _schedule(self, row: Row) -> dict:
        d = row.data
        return {
            "resource": self.lookup("service", d.get("service_id")),
            "location": self.lookup("location", d.get("location_id")),
            "resource_location": self.lookup(
                "service_at_location", d.get("service_at_location_id")
            ),
            "freq": str(d.get("freq", ""))[:10].upper(),
            "byday": re.sub(r"[^A-Z,]", "", str(d.get("byday", "")).upper())[:40],
            "opens_at": _time(d.get("opens_at")),
            "closes_at": _time(d.get("closes_at")),
            "valid_from": hsds_date(d.get("valid_from")),
            "valid_to": hsds_date(d.get("valid_to")),
            "description": d.get("description", ""),
        }

    def _language(self, row: Row) -> dict:
        d = row.data
        return {
            "resource": self.lookup("service", d.get("service_id")),
            "location": self.lookup("location", d.get("location_id")),
            "code": normalise_language(d.get("code") or d.get("name") or "")[:20],
            "name": d.get("name", "")[:100],
        }

    # --- what follows from the rows ---------------------------------------------------------

    def derive(self) -> None:
        """Resource languages, needs and location addresses, from the rows just written."""
        resources = list(self.saved.get("service", {}).values())
        touched = {r.pk for r in resources}
        for language in self.saved.get("language", {}).values():
            if language.resource_id:
                touched.add(language.resource_id)
        for resource in Resource.objects.filter(pk__in=touched).prefetch_related("language_rows"):
            codes = sorted({lang.code for lang in resource.language_rows.all() if lang.code})
            value = f",{','.join(codes)}," if codes else resource.language_codes
            if len(value) > LANGUAGE_CODES_MAX:
                # The service's row, or else the language row that brought it here.
                row = self.package.rows.get("service", {}).get(resource.hsds_id) or next(
                    r
                    for r in self.package.rows.get("language", {}).values()
                    if r.data.get("service_id") == resource.hsds_id
                )
                self.errors.append(
                    f"{row.where}: service {resource.hsds_id} has more languages "
                    f"than the directory keeps ({len(codes)} codes, {len(value)} characters, "
                    f"at most {LANGUAGE_CODES_MAX})"
                )
                continue
            if value != resource.language_codes:
                resource.language_codes = value
                resource.save(update_fields=["language_codes"])
        self._derive_needs()
        self._derive_addresses()

    def _derive_needs(self) -> None:
        by_service: dict[str, set[int]] = {}
        terms = {t.hsds_id: t for t in TaxonomyTerm.objects.filter(category__isnull=False)}
        for record in HsdsRecord.objects.filter(table="attribute"):
            term = terms.get(record.data.get("taxonomy_term_id"))
            if term and record.data.get("link_id"):
                by_service.setdefault(record.data["link_id"], set()).add(term.category_id)
        for resource in self.saved.get("service", {}).values():
            categories = by_service.get(resource.hsds_id) or {
                c.pk for c in guess_categories(f"{resource.name} {resource.description}")
            }
            if categories:
                resource.needs.add(*categories)

    def _derive_addresses(self) -> None:
        addresses = self.package.rows.get("address", {})
        by_location: dict[str, dict] = {}
        for row in addresses.values():
            if row.data.get("location_id"):
                by_location.setdefault(row.data["location_id"], row.data)
        for location in Location.objects.filter(hsds_id__in=by_location):
            a = by_location[location.hsds_id]
            parts = [a.get("address_1"), a.get("address_2"), a.get("city")]
            line = ", ".join(p for p in parts if p)
            line = f"{line}, {a.get('state_province', '')} {a.get('postal_code', '')}".strip()
            location.address = line[:500]
            location.postal_code = str(a.get("postal_code", ""))[:20]
            location.save(update_fields=["address", "postal_code"])


def _time(value) -> datetime.time | None:
    if not isinstance(value, str):
        return None
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            return datetime.datetime.strptime(value[:8], fmt).time()
        except ValueError:
            continue
    return None


def hsds_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
