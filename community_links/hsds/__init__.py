"""Open Referral HSDS 3.0 import and export for the resource directory.

- reader: a tabular datapackage (CSV folder + datapackage.json) or JSON (single records,
  lists, paginated lists, full nested records) -> flat tables with the line of every row;
- checks: required fields, types, duplicate ids, references -> line-numbered errors;
- load: all-or-nothing upsert by HSDS id into the directory models;
- export: the directory -> a CSV datapackage and JSON (full service records + lists).
"""

from community_links.hsds.export import export_csv, export_json, export_tables
from community_links.hsds.load import HsdsImportError, import_path

__all__ = ["HsdsImportError", "export_csv", "export_json", "export_tables", "import_path"]
