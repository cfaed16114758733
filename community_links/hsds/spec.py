"""What HSDS 3.0 says about each table, read from the vendored schemas (spec/): the flat
columns in order with their JSON types, the required columns, and how records nest."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

SPEC_DIR = Path(__file__).parent / "spec"


@dataclass(frozen=True)
class Table:
    name: str  # "service"
    path: str  # "services.csv"
    columns: tuple[str, ...]  # flat columns, in the schema's order
    types: dict  # column -> "string" | "number"
    required: frozenset[str]
    enums: dict  # column -> allowed values
    formats: dict  # column -> "uri" | "email"


# Columns the schema describes as a URL without saying "format": "uri".
URLS_WITHOUT_FORMAT = {("organization", "logo"): "uri", ("service_area", "uri"): "uri"}


@functools.cache
def datapackage() -> dict:
    return json.loads((SPEC_DIR / "datapackage.json").read_text())


@functools.cache
def schema(table: str) -> dict:
    return json.loads((SPEC_DIR / f"{table}.json").read_text())


@functools.cache
def tables() -> dict[str, Table]:
    result = {}
    for resource in datapackage()["resources"]:
        name = resource["name"]
        props = schema(name)["properties"]
        flat = [k for k, v in props.items() if v.get("type") in ("string", "number", "integer")]
        required = set(schema(name).get("required", []))
        # The tabular package is stricter than the JSON schema (e.g. a service's
        # organization_id): in a flat table the link cannot be implied by nesting.
        for field in resource["schema"]["fields"]:
            if field.get("constraints", {}).get("required"):
                required.add(field["name"])
        result[name] = Table(
            name=name,
            path=resource["path"],
            columns=tuple(flat),
            types={k: props[k]["type"] for k in flat},
            required=frozenset(required),
            enums={k: tuple(props[k]["enum"]) for k in flat if "enum" in props[k]},
            formats={
                k: props[k].get("format") or URLS_WITHOUT_FORMAT[(name, k)]
                for k in flat
                if props[k].get("format") in ("uri", "email") or (name, k) in URLS_WITHOUT_FORMAT
            },
        )
    return result


# How JSON records nest: parent table -> {key: (child table, how the child links)}.
# ("child", fk): each child carries fk = parent id. ("parent", fk): the parent carries
# fk = child id (a single object, e.g. a service's organization).
NESTING: dict[str, dict[str, tuple[str, str, str]]] = {
    "organization": {
        "funding": ("funding", "child", "organization_id"),
        "contacts": ("contact", "child", "organization_id"),
        "phones": ("phone", "child", "organization_id"),
        "locations": ("location", "child", "organization_id"),
        "programs": ("program", "child", "organization_id"),
        "organization_identifiers": ("organization_identifier", "child", "organization_id"),
        "services": ("service", "child", "organization_id"),
        "attributes": ("attribute", "child", "link_id"),
        "metadata": ("metadata", "child", "resource_id"),
    },
    "service": {
        "phones": ("phone", "child", "service_id"),
        "schedules": ("schedule", "child", "service_id"),
        "service_areas": ("service_area", "child", "service_id"),
        "service_at_locations": ("service_at_location", "child", "service_id"),
        "languages": ("language", "child", "service_id"),
        "organization": ("organization", "parent", "organization_id"),
        "funding": ("funding", "child", "service_id"),
        "cost_options": ("cost_option", "child", "service_id"),
        "program": ("program", "parent", "program_id"),
        "required_documents": ("required_document", "child", "service_id"),
        "contacts": ("contact", "child", "service_id"),
        "attributes": ("attribute", "child", "link_id"),
        "metadata": ("metadata", "child", "resource_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "child", "service_at_location_id"),
        "phones": ("phone", "child", "service_at_location_id"),
        "schedules": ("schedule", "child", "service_at_location_id"),
        "location": ("location", "parent", "location_id"),
        "service": ("service", "parent", "service_id"),
        "attributes": ("attribute", "child", "link_id"),
        "metadata": ("metadata", "child", "resource_id"),
    },
    "location": {
        "languages": ("language", "child", "location_id"),
        "addresses": ("address", "child", "location_id"),
        "contacts": ("contact", "child", "location_id"),
        "accessibility": ("accessibility", "child", "location_id"),
        "phones": ("phone", "child", "location_id"),
        "schedules": ("schedule", "child", "location_id"),
        "attributes": ("attribute", "child", "link_id"),
        "metadata": ("metadata", "child", "resource_id"),
    },
    "contact": {"phones": ("phone", "child", "contact_id")},
    "phone": {"languages": ("language", "child", "phone_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "parent", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "parent", "taxonomy_id")},
}
for _table in ("program", "schedule", "funding", "service_area", "required_document"):
    NESTING.setdefault(_table, {})["metadata"] = ("metadata", "child", "resource_id")

# References the directory relies on: they must point at a row in the package or already in
# the directory. Other *_id columns (a location's organization, a contact's links, taxonomy
# parents) are kept as published: HSDS extracts often carry links to records left out.
REFERENCES: dict[str, dict[str, str]] = {
    "service": {"organization_id": "organization", "program_id": "program"},
    "program": {"organization_id": "organization"},
    "organization_identifier": {"organization_id": "organization"},
    "service_at_location": {"service_id": "service", "location_id": "location"},
    "schedule": {
        "service_id": "service",
        "location_id": "location",
        "service_at_location_id": "service_at_location",
    },
    "language": {"service_id": "service", "location_id": "location", "phone_id": "phone"},
    "phone": {
        "service_id": "service",
        "location_id": "location",
        "organization_id": "organization",
        "service_at_location_id": "service_at_location",
    },
    "attribute": {"taxonomy_term_id": "taxonomy_term"},
    "address": {"location_id": "location"},
    "accessibility": {"location_id": "location"},
    "cost_option": {"service_id": "service"},
    "funding": {"service_id": "service", "organization_id": "organization"},
    "required_document": {"service_id": "service"},
    "service_area": {"service_id": "service"},
}
