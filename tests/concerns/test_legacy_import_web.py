"""Legacy spreadsheet import in the browser: upload, preview, remap and confirm, its access
rules, and malformed files thrown at the parser and the upload page (hypothesis)."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concerns import legacy_import
from concerns.models import Concern, ConcernImport
from schoolwell.models import Role
from tests.concerns.legacy_sheets import FORMULA, HEADER, as_csv, good_row, nothing_written, upload
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.django_db


# --- the browser ------------------------------------------------------------------------------


def test_a_school_admin_uploads_previews_remaps_and_confirms(client, school_a, admin_a, students):
    rows = [good_row(students, i) + ["high"] for i in range(3)]
    data = as_csv(rows, [*HEADER, "Urgency"])
    client.force_login(admin_a)
    assert client.get(reverse("concerns:import")).status_code == 200

    response = upload(client, data, school_a)
    record = ConcernImport.objects.get()
    assert response["Location"] == reverse("concerns:import_detail", args=[record.pk])
    client.post(response["Location"], {"action": "date_order", "date_order": "mdy"})
    assert (record.started_by, record.school, record.file_name) == (
        admin_a,
        school_a,
        "concerns.csv",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Import 3 concerns" in page
    assert '<th scope="row">4</th>' in page  # the preview shows spreadsheet line numbers
    assert not Concern.objects.exists()

    mapping = {f"map-{name}": column for name, column in record.mapping.items()}
    client.post(response["Location"], {**mapping, "map-severity": "Urgency", "action": "remap"})
    record.refresh_from_db()
    assert record.mapping["severity"] == "Urgency"

    client.post(response["Location"], {"action": "confirm"})
    client.post(response["Location"], {"action": "confirm"})  # a double submit
    page = client.get(response["Location"]).content.decode()
    assert "3 concerns imported" in page
    assert Concern.objects.filter(severity="high", imported_from="concerns.csv").count() == 3


def test_the_preview_lists_every_problem_and_offers_no_import(client, school_a, admin_a, student_a):
    data = as_csv([[student_a.sis_id, "someday", "Health", FORMULA, ""]] * 3)
    client.force_login(admin_a)
    response = upload(client, data, school_a)
    page = client.get(response["Location"]).content.decode()

    assert "3 problems: nothing can be imported yet" in page
    for line in (2, 3, 4):
        assert f'<th scope="row">{line}</th><td>Details</td>' in page
    assert 'value="confirm"' not in page
    client.post(response["Location"], {"action": "confirm"})
    assert nothing_written()


def test_an_unreadable_upload_gets_a_clear_message_on_the_form(client, school_a, admin_a):
    client.force_login(admin_a)
    response = upload(client, "a,b\n".encode("utf-16"), school_a)

    assert response.status_code == 400
    assert "UTF-16" in response.content.decode()
    assert not ConcernImport.objects.exists()


def test_an_upload_is_kept_in_memory_never_in_a_temporary_file(
    client, school_a, admin_a, students, monkeypatch
):
    def no_temporary_files(*args, **kwargs):
        raise AssertionError("the upload went to a temporary file")

    monkeypatch.setattr("django.core.files.uploadhandler.TemporaryUploadedFile", no_temporary_files)
    narrative = "x" * 4000  # 2,000 rows of this is past Django's 2.5 MB in-memory limit
    rows = [[*good_row(students, i)[:3], narrative, ""] for i in range(700)]
    client.force_login(admin_a)

    response = upload(client, as_csv(rows), school_a)

    assert response.status_code == 302
    assert ConcernImport.objects.get().row_count == 700


def test_the_upload_still_requires_the_csrf_token(school_a, admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)

    response = upload(client, as_csv([]), school_a)

    assert response.status_code == 403
    assert not ConcernImport.objects.exists()


def test_an_upload_over_20_mb_is_refused_with_a_clear_message(client, school_a, admin_a):
    client.force_login(admin_a)
    response = upload(client, b"x" * (20 * 1024 * 1024 + 10), school_a)

    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()


def test_a_school_can_only_be_one_where_the_user_may_import(client, school_a, school_b, admin_a):
    client.force_login(admin_a)
    response = upload(client, b"a\n1\n", school_b)

    assert response.status_code == 400
    assert not ConcernImport.objects.exists()


def test_another_administrators_import_is_not_found(client, school_a, admin_a):
    colleague = member(Role.SCHOOL_ADMIN, school=school_a)
    theirs = ConcernImport.objects.create(started_by=colleague, school=school_a, file_name="x")
    client.force_login(admin_a)

    url = reverse("concerns:import_detail", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404


def test_an_import_at_a_school_the_user_left_is_not_found(client, school_a, admin_a):
    elsewhere = SchoolFactory(district=school_a.district)
    old = ConcernImport.objects.create(started_by=admin_a, school=elsewhere, file_name="x")
    client.force_login(admin_a)

    assert client.get(reverse("concerns:import_detail", args=[old.pk])).status_code == 404


def test_a_teacher_may_not_import(client, school_a, teacher_a):
    record = ConcernImport.objects.create(started_by=teacher_a, school=school_a, file_name="x")
    client.force_login(teacher_a)

    assert client.get(reverse("concerns:import")).status_code == 403
    assert client.get(reverse("concerns:import_detail", args=[record.pk])).status_code == 403


# --- malformed input (hypothesis) -------------------------------------------------------------

HEAD = b"Student ID,Date,Category,Details,Reported by\n"
malformed = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=3000).map(lambda b: b"\xd0\xcf\x11\xe0" + b),
    st.just(b""),
    st.sampled_from([b"\n", b"\r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b",,,,\n,,,,\n"]),
    st.text(max_size=400).map(lambda t: t.encode("utf-16")),
    st.text(max_size=400).map(lambda t: t.encode("utf-16-le")),
    st.binary(max_size=400).map(lambda b: HEAD + b"S1,2024-01-01,Health,caf\xe9 \x81\x8d\x9d," + b),
    st.integers(1, 300_000).map(lambda n: HEAD + b"S1,2024-01-01,Health," + b"x" * n + b",Ms\n"),
    st.sampled_from(
        [FORMULA, "+cmd", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "=1+1", '"unclosed', "a\x00b"]
    ).map(lambda cell: HEAD + f"S1,{cell},{cell},{cell},{cell}\n".encode()),
    st.lists(st.text(max_size=30), min_size=1, max_size=6).map(
        lambda cells: HEAD + ",".join(cells).encode("utf-8", "surrogatepass")
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=malformed)
def test_malformed_files_give_a_clear_result_never_an_error_or_a_write(
    client, school_a, admin_a, student_a, data
):
    try:
        checked = legacy_import.check(data, school=school_a)
    except legacy_import.ImportFileError as error:
        assert str(error)
    else:
        assert checked.problems or not checked.rows, "no random file holds a valid concern"

    client.force_login(admin_a)
    response = upload(client, data, school_a, name="random.csv")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
        assert client.post(response["Location"], {"action": "confirm"}).status_code == 302
        assert client.get(response["Location"]).status_code == 200
    assert nothing_written()
