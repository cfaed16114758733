"""Legacy import: the order of numeric dates is decided once for the file: inferred when the
file's own dates prove it (and said so), chosen by the user when they do not."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from concerns import legacy_import
from concerns.legacy_import.dates import DateOrders, Undecided, both_readings, parse_date
from concerns.models import Concern, ConcernImport
from schoolwell.models import Role
from tests.concerns.legacy_sheets import as_csv, upload
from tests.factories import member

pytestmark = pytest.mark.django_db
DAY_FIRST = ConcernImport.DateOrder.DAY_FIRST
MONTH_FIRST = ConcernImport.DateOrder.MONTH_FIRST


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a)


def dated(student, *dates: str):
    return as_csv([[student.sis_id, on, "Health", f"seen on {on}", ""] for on in dates])


def start(admin, school, data):
    return legacy_import.concern_import_start(
        started_by=admin, school=school, file_name="dates.csv", data=data
    )


def test_a_numeric_date_that_reads_both_ways_is_undecided_without_an_order():
    with pytest.raises(Undecided):
        parse_date("03/11/2025")
    assert parse_date("03/11/2025", order=DAY_FIRST) == date(2025, 11, 3)
    assert parse_date("03/11/2025", order=MONTH_FIRST) == date(2025, 3, 11)
    assert parse_date("4/4/2024") == date(2024, 4, 4)  # the same either way
    assert parse_date("25/11/2025") == date(2025, 11, 25)  # only one way
    assert both_readings("03/11/2025") == (date(2025, 3, 11), date(2025, 11, 3))
    assert both_readings("25/11/2025") == (None, date(2025, 11, 25))


def test_a_date_not_valid_in_the_chosen_order_is_refused_with_that_order_named():
    with pytest.raises(ValueError, match="not a date when read month first"):
        parse_date("25/11/2025", order=MONTH_FIRST)
    with pytest.raises(ValueError, match="not a date when read day first"):
        parse_date("11/25/2025", order=DAY_FIRST)


def test_date_orders_infer_only_what_the_file_proves():
    orders = DateOrders()
    for line, text in enumerate(["2025-01-02", "03/11/2025", "4/4/2024"], start=2):
        orders.see(line, text)
    assert (orders.inferred, orders.must_ask, orders.either) == (None, True, (3, "03/11/2025"))
    orders.see(5, "25/11/2025")
    assert (orders.inferred, orders.must_ask) == (DAY_FIRST, False)
    orders.see(6, "11/25/2025")  # both kinds: no order is proved
    assert (orders.inferred, orders.must_ask) == (None, True)


def test_an_ambiguous_file_asks_for_the_order_and_imports_nothing_until_it_is_chosen(
    client, school_a, student_a, admin_a
):
    client.force_login(admin_a)
    response = upload(client, dated(student_a, "03/11/2025", "2025-01-02", "04/12/2025"), school_a)
    record = ConcernImport.objects.get()
    assert record.dates["pending"] == 2 and record.dates["either"] == [2, "03/11/2025"]
    page = client.get(response["Location"]).content.decode()
    assert "Dates such as 03/11/2025 on line 2 could be day first or month first." in page
    assert "03/11/2025 is 3 November 2025" in page and "03/11/2025 is 11 March 2025" in page
    assert "2 rows wait for this choice" in page
    assert 'value="confirm"' not in page

    with pytest.raises(legacy_import.ImportRefused, match="Choose how the dates"):
        legacy_import.concern_import_confirm(record=record)
    assert not Concern.objects.exists()

    client.post(response["Location"], {"action": "date_order", "date_order": DAY_FIRST})
    record.refresh_from_db()
    assert (record.date_order, record.dates["pending"], record.problems) == (DAY_FIRST, 0, [])
    page = client.get(response["Location"]).content.decode()
    assert "Dates are read day first (day/month/year), as chosen for this file." in page
    client.post(response["Location"], {"action": "confirm"})
    assert sorted(Concern.objects.values_list("observed_on", flat=True)) == [
        date(2025, 1, 2),
        date(2025, 11, 3),
        date(2025, 12, 4),
    ]


def test_choosing_month_first_reads_the_same_file_the_other_way(school_a, student_a, admin_a):
    record = start(admin_a, school_a, dated(student_a, "03/11/2025"))
    record = legacy_import.concern_import_date_order(record=record, order=MONTH_FIRST)
    legacy_import.concern_import_confirm(record=record)

    assert Concern.objects.get().observed_on == date(2025, 3, 11)


def test_a_file_whose_dates_prove_day_first_is_not_asked_and_says_why(
    client, school_a, student_a, admin_a
):
    client.force_login(admin_a)
    response = upload(client, dated(student_a, "03/11/2025", "25/11/2025"), school_a)
    record = ConcernImport.objects.get()
    page = client.get(response["Location"]).content.decode()

    assert (record.dates["inferred"], record.dates["pending"]) == (DAY_FIRST, 0)
    assert (
        "Dates are read day first (day/month/year): 25/11/2025 on line 3 can only be read "
        "that way." in page
    )
    assert 'value="confirm"' in page
    client.post(response["Location"], {"action": "confirm"})
    assert sorted(Concern.objects.values_list("observed_on", flat=True)) == [
        date(2025, 11, 3),
        date(2025, 11, 25),
    ]


def test_a_file_without_ambiguous_dates_asks_nothing(client, school_a, student_a, admin_a):
    client.force_login(admin_a)
    data = dated(student_a, "2025-01-02", "4/4/2024", "5 March 2024", "March 6, 2024")
    response = upload(client, data, school_a)
    page = client.get(response["Location"]).content.decode()

    assert "How are the dates in this file written?" not in page
    assert 'id="dates"' not in page
    assert "Import 4 concerns" in page


def test_a_file_mixing_both_orders_asks_and_then_lists_the_other_dates_by_line(
    school_a, student_a, admin_a
):
    data = dated(student_a, "25/11/2025", "03/11/2025", "11/25/2025")
    record = start(admin_a, school_a, data)
    assert record.dates["must_ask"] and record.dates["inferred"] == ""
    assert record.dates["pending"] == 1

    record = legacy_import.concern_import_date_order(record=record, order=MONTH_FIRST)

    assert [(p["line"], p["column"]) for p in record.problems] == [(2, "Date")]
    assert record.problems[0]["message"].startswith(
        "25/11/2025 is not a date when read month first (month/day/year)"
    )
    assert record.dates["pending"] == 0


def test_the_order_covers_the_date_of_birth_column_too(school_a, admin_a):
    from tests.factories import enrolled_student

    ana = enrolled_student(
        school_a, legal_first_name="Ana", legal_last_name="Ruiz", date_of_birth=date(2011, 6, 5)
    )
    header = ["Name", "Date of birth", "Date", "Category", "Notes"]
    data = as_csv([["Ana Ruiz", "05/06/2011", "2025-01-02", "Health", "x"]], header)
    record = start(admin_a, school_a, data)
    assert record.dates["pending"] == 1

    record = legacy_import.concern_import_date_order(record=record, order=DAY_FIRST)

    assert record.problems == []
    legacy_import.concern_import_confirm(record=record)
    assert Concern.objects.get().student == ana


def test_the_command_asks_for_the_date_order_when_the_file_cannot_tell(
    tmp_path, school_a, student_a
):
    path = tmp_path / "dates.csv"
    path.write_bytes(dated(student_a, "03/11/2025"))
    args = ["import_concerns", str(path), "--school", str(school_a.pk), "--confirm"]

    with pytest.raises(CommandError, match="--date-order"):
        call_command(*args)
    assert not Concern.objects.exists()

    call_command(*args, "--date-order", "day-first")
    record = ConcernImport.objects.get()
    assert (Concern.objects.get().observed_on, record.date_order) == (date(2025, 11, 3), "dmy")


def test_the_same_file_again_keeps_the_order_chosen_for_it(school_a, student_a, admin_a):
    data = dated(student_a, "03/11/2025")
    record = start(admin_a, school_a, data)
    record = legacy_import.concern_import_date_order(record=record, order=DAY_FIRST)
    legacy_import.concern_import_confirm(record=record)

    again = start(admin_a, school_a, data)

    assert (again.date_order, again.dates["pending"]) == (DAY_FIRST, 0)
    assert [d["line"] for d in again.duplicates] == [2]  # found: its date is read the same way
