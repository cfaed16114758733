"""Legacy spreadsheet uploads are bounded: crafted workbooks and CSVs (the sheet that
declares the whole grid, a million formatted empty rows, 16,384 cells a row, a shared
strings bomb, giant cells, too many columns or cells) are refused with a message saying what
to do, nothing is kept, and refusing costs a few MB; and a preview is read from the file once,
at upload, then served from what was stored."""

import io
import zipfile

import pytest
from django.urls import reverse

from concerns import legacy_import
from concerns.legacy_import import limits, table
from concerns.models import ConcernImport
from schoolwell.models import Role
from tests.concerns.legacy_sheets import as_csv, good_row, nothing_written, upload
from tests.crafted_files import (
    MB,
    attribute_rows,
    formatted_empty_rows,
    full_width_rows,
    header_row,
    row,
    shared_string_bomb,
    text_cell,
    traced_peak,
    workbook,
)
from tests.factories import enrolled_student, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a)


def refused(data: bytes, school, match: str, *, under_mb: int = 40) -> None:
    """check() refuses the file with the message, within under_mb of memory, writing
    nothing."""
    outcome, peak = traced_peak(lambda: legacy_import.check(data, school=school))
    assert isinstance(outcome, legacy_import.ImportFileError), outcome
    assert match in str(outcome)
    assert peak < under_mb * MB, f"refusing took {peak / MB:.0f} MB"
    assert nothing_written() and not ConcernImport.objects.exists()


def concern_cells(line: int, student, narrative: str = "Seen upset") -> list[str]:
    cells = (student.sis_id, "2024-03-04", "Health", narrative)
    return [text_cell(f"{chr(65 + i)}{line}", cell) for i, cell in enumerate(cells)]


def concern_row(line: int, student, narrative: str = "Seen upset") -> str:
    return row(line, concern_cells(line, student, narrative))


# --- workbooks --------------------------------------------------------------------------------


def test_a_workbook_declaring_the_whole_grid_is_read_as_the_cells_it_holds(school_a, student_a):
    data = workbook(
        [header_row(), concern_row(2, student_a), concern_row(3, student_a)],
        dimension="A1:XFD1048576",
    )
    outcome, peak = traced_peak(lambda: legacy_import.check(data, school=school_a))

    assert outcome.table.columns == ["Student ID", "Date", "Category", "Details"]
    assert len(outcome.rows) == 2 and not outcome.problems
    assert peak < 5 * MB


def test_a_million_formatted_empty_rows_are_refused_at_the_row_cap(school_a):
    data = workbook(formatted_empty_rows(1_000_000))
    assert len(data) < 6 * MB

    refused(data, school_a, "rows past line 50,100 (formatted empty rows count too)")


def test_one_formatted_row_at_the_bottom_of_the_grid_is_refused_at_once(school_a, student_a):
    data = workbook(
        [header_row(), concern_row(2, student_a), '<row r="1048576"><c r="A1048576" s="1"/></row>']
    )
    refused(data, school_a, "rows past line 50,100", under_mb=2)


def test_rows_of_16384_formatted_empty_cells_are_refused_by_the_element_budget(
    school_a, monkeypatch
):
    """At full size (2 million cells in 0.1 MB) bench/uploads.py times it; here the budget
    is a tenth, so that the test is quick."""
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 200_000)
    data = workbook(full_width_rows(13))

    refused(data, school_a, "far larger once unpacked")


def test_a_sheet_of_attributes_and_no_cells_is_refused_by_the_attribute_budget(
    school_a, monkeypatch
):
    """12 million attributes fit in 0.6 MB (bench/uploads.py); here the budget is smaller."""
    monkeypatch.setattr(limits, "MAX_XML_ATTRIBUTES", 50_000)
    refused(workbook(attribute_rows(200)), school_a, "far larger once unpacked")


def test_formatted_empty_cells_out_at_column_xfd_cost_nothing_more_than_their_tags(
    school_a, student_a
):
    """The 208 KB workbook of the report: every row with a formatted cell in column XFD.
    pandas padded each row to 16,384 cells; here the empty cell is skipped."""
    rows = [header_row()] + [
        row(line, [*concern_cells(line, student_a), f'<c r="XFD{line}" s="1"/>'])
        for line in range(2, 2002)
    ]
    outcome, peak = traced_peak(lambda: legacy_import.check(workbook(rows), school=school_a))

    assert len(outcome.table.columns) == 4
    assert len(outcome.rows) == 2000
    assert peak < 30 * MB


def test_a_value_in_column_xfd_is_refused_as_too_many_columns(school_a, student_a):
    data = workbook([header_row(), concern_row(2, student_a), row(3, [text_cell("XFD3", "x")])])
    refused(data, school_a, "more than 200 columns (there is something in column XFD)")


def test_a_shared_strings_bomb_is_refused_before_the_sheet_is_read(school_a, monkeypatch):
    """2,000,000 strings in 84 KB held openpyxl for 20 s; bench/uploads.py times that one,
    here the budget is a tenth."""
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 200_000)
    data = workbook([header_row()], shared=shared_string_bomb(200_000))

    refused(data, school_a, "far larger once unpacked")


def test_one_long_shared_string_used_by_every_cell_is_refused_by_the_text_cap(school_a, student_a):
    rows = [header_row()] + [
        row(line, [f'<c r="{c}{line}" t="s"><v>0</v></c>' for c in "ABCD"])
        for line in range(2, 302)
    ]
    data = workbook(rows, shared=shared_string_bomb(1, "y" * 30_000))

    refused(data, school_a, "more than 20 million characters")


def test_a_cell_longer_than_a_spreadsheet_cell_is_refused_with_its_line(school_a, student_a):
    data = workbook([header_row(), concern_row(2, student_a, "z" * 40_000)])
    refused(data, school_a, "Line 2 has a cell of more than 32,767 characters")


def test_a_workbook_with_a_doctype_is_refused_so_no_entity_is_expanded(school_a):
    laughs = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = workbook([header_row(), row(2, [text_cell("A2", "&b;")])], before_sheet=laughs)
    refused(data, school_a, "looks like an Excel workbook but cannot be read")


def test_a_workbook_of_thousands_of_parts_is_refused_before_zipfile_lists_them(school_a):
    data = workbook([header_row()], extra_members=20_000)
    refused(data, school_a, "holds too many parts")


def test_a_part_that_inflates_past_its_declared_size_is_not_believed(school_a, student_a):
    """zipfile stops at the size the directory declares and checks the CRC: a part that
    says 10 bytes gives no more than 10."""
    out = io.BytesIO()
    original = io.BytesIO(workbook([header_row(), concern_row(2, student_a)]))
    with (
        zipfile.ZipFile(original) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in src.infolist():
            copy.writestr(info.filename, src.read(info))
    data = bytearray(out.getvalue())
    record = data.rfind(b"xl/worksheets/sheet1.xml") - 46  # its central directory record
    assert data[record : record + 4] == b"PK\x01\x02"
    data[record + 24 : record + 28] = (10).to_bytes(4, "little")

    refused(bytes(data), school_a, "cannot be read", under_mb=2)


def test_a_workbook_part_compressed_with_lzma_is_refused_unread(school_a, student_a):
    """Spreadsheet programs write deflate; zipfile inflates LZMA a block at a time, unbounded."""
    out = io.BytesIO()
    original = io.BytesIO(workbook([header_row(), concern_row(2, student_a)]))
    with (
        zipfile.ZipFile(original) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_LZMA) as copy,
    ):
        for info in src.infolist():
            copy.writestr(info.filename, src.read(info))

    refused(out.getvalue(), school_a, "cannot be read", under_mb=2)


# --- CSV --------------------------------------------------------------------------------------


def test_a_csv_header_of_16384_columns_is_refused_before_pandas_reads_it(school_a):
    data = (",".join(f"c{i}" for i in range(16_384)) + "\n" + "x," * 16_383 + "x\n") * 2
    refused(data.encode(), school_a, "more than 200 columns")


def test_a_csv_of_more_cells_than_the_cap_is_refused(school_a):
    header = ",".join(f"c{i}" for i in range(200))
    data = (header + "\n" + ("1," * 199 + "1\n") * 5_001).encode()
    refused(data, school_a, "more than 1,000,000 cells", under_mb=120)


def test_a_giant_csv_field_is_refused_with_its_line(school_a, student_a):
    data = as_csv([[student_a.sis_id, "2024-03-04", "Health", "w" * 5_000_000, ""]])
    refused(data, school_a, "Line 2 has a cell of more than 32,767 characters", under_mb=60)


def test_a_header_and_twenty_million_line_ends_are_read_without_a_list_of_the_lines(school_a):
    data = b"Student ID,Date,Category,Details\n" + b"\n" * (20 * 1024 * 1024 - 40)
    outcome, peak = traced_peak(lambda: legacy_import.check(data, school=school_a))

    assert outcome.problems == [
        legacy_import.Problem(None, "", "The file has a header row but no rows.")
    ]
    assert peak < 60 * MB, f"reading took {peak / MB:.0f} MB"


def test_every_cap_is_checked_by_the_same_read_whatever_the_caller(school_a, tmp_path):
    """The command and the page read through read_table: a file past a cap is refused by
    the command too."""
    from django.core.management import CommandError, call_command

    path = tmp_path / "wide.xlsx"
    path.write_bytes(workbook([header_row(), row(2, [text_cell("XFD2", "x")])]))
    with pytest.raises(CommandError, match="more than 200 columns"):
        call_command("import_concerns", str(path), "--school", school_a.sourced_id)


# --- the upload page --------------------------------------------------------------------------


def test_a_crafted_workbook_is_refused_on_the_form_and_nothing_is_kept(client, school_a, admin_a):
    client.force_login(admin_a)
    response = upload(client, workbook(formatted_empty_rows(60_000)), school_a, "big.xlsx")

    assert response.status_code == 400
    assert "rows past line 50,100" in response.content.decode()
    assert not ConcernImport.objects.exists() and nothing_written()


def test_the_file_is_read_once_across_upload_previews_remap_and_confirm(
    client, school_a, admin_a, monkeypatch
):
    students = [enrolled_student(school_a) for _ in range(3)]
    reads = []
    real = table._read_csv
    monkeypatch.setattr(table, "_read_csv", lambda data: reads.append(1) or real(data))
    client.force_login(admin_a)

    response = upload(client, as_csv([good_row(students, i) for i in range(3)]), school_a)
    url = response["Location"]
    assert "How are the dates in this file written?" in client.get(url).content.decode()
    assert client.post(url, {"action": "date_order", "date_order": "mdy"}).status_code == 302
    assert "Import 3 concerns" in client.get(url).content.decode()
    assert "Import 3 concerns" in client.get(url).content.decode()
    mapping = {f"map-{k}": v for k, v in ConcernImport.objects.get().mapping.items()}
    assert client.post(url, {**mapping, "action": "remap"}).status_code == 302
    client.post(url, {"action": "confirm"})

    assert ConcernImport.objects.get().imported_count == 3
    assert len(reads) == 1


def test_the_preview_page_does_not_load_the_stored_table(client, school_a, admin_a):
    students = [enrolled_student(school_a) for _ in range(30)]
    record = legacy_import.concern_import_start(
        started_by=admin_a,
        school=school_a,
        file_name="past.csv",
        data=as_csv([good_row(students, i) for i in range(30)]),
    )
    assert len(record.table["rows"]) == 30
    assert len(record.preview["rows"]) == legacy_import.PREVIEW_ROWS
    client.force_login(admin_a)

    page = client.get(reverse("concerns:import_detail", args=[record.pk])).content.decode()

    assert "The first 20 rows of the spreadsheet (30 in all)" in page
    assert '<th scope="row">21</th>' in page and '<th scope="row">22</th>' not in page


def test_a_confirmed_or_refused_import_keeps_no_table(school_a, admin_a, student_a):
    record = legacy_import.concern_import_start(
        started_by=admin_a,
        school=school_a,
        file_name="past.csv",
        data=as_csv([[student_a.sis_id, "2024-03-04", "Health", "Seen upset", ""]]),
    )
    record = legacy_import.concern_import_confirm(record=record)

    assert record.status == ConcernImport.Status.IMPORTED
    record.refresh_from_db()
    assert (record.table, record.preview) == ({}, {})
