"""The roster import from the browser: upload, a queued task, the result page."""

import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schoolwell.models import Membership, Role, RosterImport, StoredFile, Student
from schoolwell.tasks import UPLOAD_DIR
from tests.factories import DistrictFactory, SchoolFactory, member

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "oneroster-1.2"


def zipped(folder: Path, target: Path, replace: tuple[str, str, str] | None = None) -> bytes:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.glob("*.csv")):
            data = file.read_text()
            if replace and replace[0] == file.name:
                data = data.replace(replace[1], replace[2], 1)
            archive.writestr(file.name, data)
    return target.read_bytes()


def sample_schools_admin():
    """The administrator of the schools in the shared samples: a school administrator's
    upload may change only their own schools (tests/schoolwell/test_roster_scope*.py)."""
    district = DistrictFactory()
    history = SchoolFactory(
        district=district, sourced_id="org-sch-222-456", name="History", identifier="History"
    )
    gotham = SchoolFactory(district=district, sourced_id="ORG_1", name="Gotham High School")
    admin = member(Role.SCHOOL_ADMIN, school=history)
    Membership.objects.create(user=admin, role=Role.SCHOOL_ADMIN, school=gotham)
    return admin


@pytest.fixture
def admin_client(client):
    admin = sample_schools_admin()
    client.force_login(admin)
    client.admin = admin
    return client


@pytest.mark.django_db
def test_an_uploaded_bundle_is_imported_and_the_page_shows_what_changed(admin_client, tmp_path):
    upload = SimpleUploadedFile("roster.zip", zipped(SHARED / "full", tmp_path / "f.zip"))
    response = admin_client.post(reverse("roster_import"), {"bundle": upload})
    record = RosterImport.objects.get()
    assert response["Location"] == reverse("roster_import_detail", args=[record.pk])
    assert record.status == RosterImport.Status.DONE
    assert record.started_by == admin_client.admin
    assert Student.objects.count() == 4
    page = admin_client.get(response["Location"]).content.decode()
    assert "What changed" in page
    assert not any(UPLOAD_DIR.glob("*.zip"))  # the private copy is gone
    assert not StoredFile.objects.exists()  # and so is the shared one the page kept


@pytest.mark.django_db
def test_a_bad_bundle_changes_nothing_and_lists_each_problem_with_its_line(admin_client, tmp_path):
    data = zipped(
        SHARED / "minimal", tmp_path / "m.zip", ("users.csv", "USER_0,active", "USER_0,archived")
    )
    admin_client.post(reverse("roster_import"), {"bundle": SimpleUploadedFile("roster.zip", data)})
    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.FAILED
    assert record.errors == [
        {
            "file": "users.csv",
            "line": 2,
            "message": "status 'archived' is not active or tobedeleted",
        }
    ]
    assert Student.objects.count() == 0
    page = admin_client.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
    assert "Nothing was changed" in page
    assert "users.csv line 2: status" in page


@pytest.mark.django_db
def test_a_file_that_is_not_a_zip_is_refused_by_the_form(admin_client):
    response = admin_client.post(
        reverse("roster_import"), {"bundle": SimpleUploadedFile("roster.zip", b"not a zip")}
    )
    assert response.status_code == 200
    assert "This is not a zip file" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_a_running_import_shows_its_progress(admin_client):
    from django.core.cache import cache

    from schoolwell.tasks import progress_key

    record = RosterImport.objects.create(source_name="big.zip", started_by=admin_client.admin)
    cache.set(progress_key(record.pk), {"stage": "users.csv", "done": 2000, "total": 50000})
    page = admin_client.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
    assert 'value="2000"' in page and 'max="50000"' in page
    partial = admin_client.get(
        reverse("roster_import_detail", args=[record.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial and 'hx-trigger="every 1s"' in partial
