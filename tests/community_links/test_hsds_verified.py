"""HSDS assured_date is when the entry was last checked: the import reads it, the resource
page says it, and a date set since (in the CMS) is what the export publishes."""

import datetime

from community_links.hsds import export_tables, import_path
from community_links.models import Resource
from tests.community_links.test_hsds import SERVICE_ID, SHARED


def test_the_import_reads_when_the_service_was_last_checked(db):
    import_path(SHARED / "csv")
    service = Resource.objects.get(hsds_id=SERVICE_ID)
    assert service.last_verified == datetime.date(2005, 1, 1)
    (row,) = [r for r in export_tables()["service"] if r["id"] == SERVICE_ID]
    assert row["assured_date"] == "2005-01-01"  # unchanged: published as it came


def test_a_date_checked_since_is_what_the_export_publishes(db):
    import_path(SHARED / "csv")
    Resource.objects.filter(hsds_id=SERVICE_ID).update(last_verified=datetime.date(2026, 3, 3))
    (row,) = [r for r in export_tables()["service"] if r["id"] == SERVICE_ID]
    assert row["assured_date"] == "2026-03-03"
    Resource.objects.filter(hsds_id=SERVICE_ID).update(last_verified=None)
    (row,) = [r for r in export_tables()["service"] if r["id"] == SERVICE_ID]
    assert "assured_date" not in row
