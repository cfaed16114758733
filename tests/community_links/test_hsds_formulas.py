"""The HSDS CSV export carries no formulas: a cell beginning with =, +, -, @, a tab or a
carriage return is written with a leading quote (OWASP CSV injection), numbers stay numbers,
and our own import takes the quote off again, so an export re-imports exactly."""

import csv

from hypothesis import given
from hypothesis import strategies as st

from community_links.hsds import export_csv, export_tables, import_path
from community_links.hsds.cells import from_cell, guarded
from community_links.models import Location, Phone, Resource
from schoolwell.exports import FORMULA_STARTS
from tests.community_links.test_hsds import SERVICE_ID, SHARED
from tests.community_links.test_hsds_malformed import copy_sample, edit_csv

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
TRICKY = {
    "name": HYPERLINK,
    "description": SUM,
    "application_process": "'=already quoted by its author",
    "fees_description": "-5 per visit",
    "eligibility_description": "\tindented",
}


def cells(folder) -> list[str]:
    found = []
    for file in folder.glob("*.csv"):
        with open(file, newline="", encoding="utf-8") as handle:
            found += [cell for row in csv.reader(handle) for cell in row]
    return found


def test_no_exported_cell_begins_like_a_formula_and_the_export_reimports_exactly(tmp_path, db):
    package = copy_sample(tmp_path)
    edit_csv(package, "phones.csv", lambda rows: [rows[0] | {"number": "+1 555 0101"}])
    import_path(package)
    Resource.objects.filter(hsds_id=SERVICE_ID).update(**TRICKY)
    before = export_tables()
    out = export_csv(tmp_path / "out")

    exported = cells(out)
    assert f"'{HYPERLINK}" in exported and f"'{SUM}" in exported
    assert "'+1 555 0101" in exported
    assert not [c for c in exported if c.startswith(FORMULA_STARTS)]

    import_path(out)
    assert export_tables() == before
    resource = Resource.objects.get(hsds_id=SERVICE_ID)
    assert {name: getattr(resource, name) for name in TRICKY} == TRICKY
    assert set(Phone.objects.values_list("number", flat=True)) == {"+1 555 0101"}


def test_numbers_are_written_as_numbers_not_quoted(tmp_path, db):
    import_path(SHARED / "csv")
    Location.objects.update(latitude=-33.5, longitude=-121.49)
    out = export_csv(tmp_path / "csv")
    with open(out / "locations.csv", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert (row["latitude"], row["longitude"]) == ("-33.5", "-121.49")


@given(st.text(st.characters(codec="utf-8"), max_size=20))
def test_the_guard_is_taken_off_exactly_and_never_leaves_a_formula(value):
    cell = guarded(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert from_cell(cell) == value


@given(st.sampled_from(["", "'", "''"]), st.sampled_from(FORMULA_STARTS), st.text(max_size=5))
def test_values_that_already_begin_with_quotes_survive_the_round_trip(quotes, start, rest):
    value = quotes + start + rest
    assert from_cell(guarded(value)) == value
