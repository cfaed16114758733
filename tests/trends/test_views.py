"""The trends pages, CSVs and JSON: who reaches them, what they publish, and that no student
identifier or small count ever leaves the server."""

import csv
import io
import json
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwell.models import Discipline, Role
from schoolwell.trends import tables
from schoolwell.trends.cellkey import SPREAD
from schoolwell.trends.models import TrendsToken, hash_key, new_key
from schoolwell.trends.scope import Scope
from schoolwell.trends.tables import activity
from schoolwell.trends.tally import TOTAL
from tests.factories import member
from tests.trends.conftest import END, RANGE, START, build_world

pytestmark = pytest.mark.django_db

KEYS = list(tables.TABLES)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def api_get(client, key: str | None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(reverse("trends:api"), params, **headers)


def token_for(district) -> str:
    key = new_key()
    TrendsToken.objects.create(
        district=district, name="BI", key_hash=hash_key(key), key_start=key[:12]
    )
    return key


@pytest.mark.parametrize("role", ["teacher", "student", "support"])
def test_people_without_a_trends_role_are_told_the_page_does_not_exist(client, world, role):
    user = {
        "teacher": world["teacher"],
        "student": member(Role.STUDENT, school=world["a"]),
        "support": member(Role.SUPPORT, school=world["a"], discipline=Discipline.NURSE),
    }[role]
    client.force_login(user)
    assert client.get(reverse("trends:dashboard")).status_code == 404
    assert client.get(reverse("trends:csv", args=["month"])).status_code == 404


def test_a_school_lead_sees_only_their_own_school(client, world):
    client.force_login(world["lead"])
    page = client.get(reverse("trends:dashboard"), RANGE).content.decode()
    assert "Alder School" in page and "Birch School" not in page
    rows = csv_rows(client.get(reverse("trends:csv", args=["school"]), RANGE))
    assert [r[0] for r in rows[1:]] == ["Alder School", "All"]
    # 45 concerns and 20 requests at Alder; Birch's 4 and 3 are not counted. Published
    # counts carry their cell-key adjustment (at most 3), the same for the same records: the
    # lead's total is Alder's row, as the analyst sees it too.
    scope = Scope(school_ids=(world["a"].pk,), start=START, end=END)
    counted = activity._activity(scope, "school", [world["a"].pk])
    assert (counted.at(TOTAL, "concerns").n, counted.at(TOTAL, "requests").n) == (45, 20)
    assert abs(int(rows[1][1]) - 45) <= SPREAD and abs(int(rows[1][2]) - 20) <= SPREAD
    assert rows[2][1:3] == rows[1][1:3]
    # Asking for the other school by id changes nothing: it is not a choice for them.
    other = csv_rows(
        client.get(reverse("trends:csv", args=["school"]), {**RANGE, "school": world["b"].pk})
    )
    assert [r[0] for r in other[1:]] == ["Alder School", "All"]
    client.force_login(world["analyst"])
    district = csv_rows(client.get(reverse("trends:csv", args=["school"]), RANGE))
    assert district[1][:3] == rows[1][:3]


def test_the_analyst_never_receives_a_name_or_an_id(client, world):
    client.force_login(world["analyst"])
    bodies = [client.get(reverse("trends:dashboard"), RANGE).content.decode()]
    bodies.append(client.get(reverse("trends:dashboard")).content.decode())
    for key in KEYS:
        response = client.get(reverse("trends:csv", args=[key]), RANGE)
        assert response.status_code == 200, key
        bodies.append(response.content.decode())
    bodies.append(api_get(client, token_for(world["district"]), **RANGE).content.decode())
    everything = "\n".join(bodies)
    for student in world["students"]:
        for value in (
            student.legal_first_name,
            student.legal_last_name,
            student.preferred_name,
            student.display_name,
            student.sis_id,
            student.sourced_id,
        ):
            assert value not in everything, value
    for person in world["staff"]:
        assert person.last_name not in everything and person.email not in everything
    assert "ZZ-NARRATIVE-7" not in everything


def test_no_published_count_lies_between_one_and_the_threshold(client, world):
    payload = api_get(client, token_for(world["district"]), **RANGE).json()
    assert payload["suppression_threshold"] == 10
    seen_small = False
    for table in payload["tables"]:
        for row in table["rows"]:
            for cell in row["cells"][: table["count_columns"]]:
                if cell["value"] is None:
                    seen_small |= cell["text"] == "<10"
                    continue
                assert not 1 <= cell["value"] < 10, (table["key"], row["label"], cell)
    assert seen_small  # Birch School's counts are small: the rule had work to do


def test_the_district_threshold_is_the_one_applied(client, world):
    world["district"].suppression_threshold = 5
    world["district"].save()
    client.force_login(world["analyst"])
    rows = csv_rows(client.get(reverse("trends:csv", args=["caseload"]), RANGE))
    alder = rows[1]
    # Tier 2 (2 cases) and tier 3 (1) are below 5 either way; the marker says which rule.
    assert alder[2] == "<5" and alder[3] == "<5"


def test_rates_on_a_hidden_count_are_hidden(client, world):
    client.force_login(world["analyst"])
    rows = csv_rows(client.get(reverse("trends:csv", args=["school"]), RANGE))
    birch = rows[2]
    assert birch[1] == "<10" and birch[3] == "suppressed"


def test_filters_in_the_url_reproduce_the_view(client, world):
    client.force_login(world["analyst"])
    query = {**RANGE, "school": world["a"].pk, "category": ["attendance"]}
    from schoolwell.models import Category

    query["category"] = [
        Category.objects.get(slug="attendance").pk,
        Category.objects.get(slug="bullying").pk,
    ]
    rows = csv_rows(client.get(reverse("trends:csv", args=["category"]), query))
    # 30, 12 and 42 mentions, each published with its adjustment (at most 3); the rate per
    # 100 of Alder's 60 students is worked out from the published count.
    assert [r[0] for r in rows[1:]] == ["Attendance", "Bullying", "All category mentions"]
    for row, true in zip(rows[1:], [30, 12, 42], strict=True):
        assert abs(int(row[1]) - true) <= SPREAD, row
        assert row[2] == f"{int(row[1]) * 100 / 60:.1f}", row
    page = client.get(reverse("trends:dashboard"), query).content.decode()
    assert "trends/category.csv?start=2026-01-01" in page


def test_each_csv_is_exactly_the_table_on_the_page_and_in_the_json(client, world):
    client.force_login(world["analyst"])
    payload = api_get(client, token_for(world["district"]), **RANGE).json()
    for table in payload["tables"]:
        rows = csv_rows(client.get(reverse("trends:csv", args=[table["key"]]), RANGE))
        assert rows[0] == [table["row_header"], *table["columns"]]
        assert rows[1:] == [[r["label"], *(c["text"] for c in r["cells"])] for r in table["rows"]]


def test_time_to_triage_percentiles_match_the_textbook_definition(client, world):
    client.force_login(world["analyst"])
    rows = csv_rows(client.get(reverse("trends:csv", args=["triage"]), RANGE))
    january = rows[1]
    waits = sorted(list(range(1, 25)) + [5, 5])
    expected = statistics.quantiles(waits, n=10, method="inclusive")
    assert january[0] == "2026-01"
    assert float(january[6]) == round(statistics.median(waits), 1)
    assert float(january[7]) == round(expected[8], 1)


def test_bad_filters_get_a_clear_message_and_the_default_view(client, world):
    client.force_login(world["analyst"])
    response = client.get(reverse("trends:dashboard"), {"start": "2026-03-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "The start date must be on or before the end date." in response.content.decode()
    assert client.get(reverse("trends:dashboard"), {"school": "9" * 40}).status_code == 200
    assert client.get(reverse("trends:csv", args=["nonsense"])).status_code == 404


def test_the_api_answers_only_a_live_token(client, world):
    assert api_get(client, None).status_code == 401
    assert api_get(client, "swt_not-a-key").status_code == 401
    key = token_for(world["district"])
    token = TrendsToken.objects.get()
    assert api_get(client, key, **RANGE).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.revoked = True
    token.save()
    assert api_get(client, key).status_code == 401
    assert TrendsToken.objects.filter(key_hash__contains=key).count() == 0


def test_the_dashboard_runs_the_same_number_of_queries_whatever_the_data(client, world):
    client.force_login(world["analyst"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("trends:dashboard"), RANGE)
    build_world(tag="again", district=world["district"])  # twice the rows, four schools
    more = member(Role.DISTRICT_ANALYST, district=world["district"])
    client.force_login(more)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("trends:dashboard"), RANGE)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_page_loads_our_own_plotly_and_no_inline_script(client, world):
    client.force_login(world["analyst"])
    page = client.get(reverse("trends:dashboard"), RANGE).content.decode()
    assert "/static/vendor/plotly-basic.min.js" in page and "/static/schoolwell/trends.js" in page
    assert "cdn" not in page.lower()
    scripts = page.split("<script")[1:]
    assert all(
        'type="application/json"' in s.split(">")[0] or "src=" in s.split(">")[0] for s in scripts
    )
    data = json.loads(
        page.split('id="figure-month" type="application/json">')[1].split("</script>")[0]
    )
    assert data["data"][0]["type"] == "scatter"


def test_every_chart_is_a_valid_plotly_figure(world):
    """The page's figures are plain data (graph objects are too slow to build per request);
    plotly's own validation runs here instead, on the figure of every table."""
    import plotly.graph_objects as go

    from schoolwell.models import School
    from schoolwell.trends import charts

    scope = Scope(
        school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END
    )
    published = tables.build(scope)
    assert len(published) == len(tables.TABLES)
    for table in published:
        data = charts.figure(table)
        assert set(data) == {"data", "layout", "config"}
        assert go.Figure({"data": data["data"], "layout": data["layout"]}).data, table.key


def test_a_name_that_looks_like_a_formula_reaches_the_csv_as_text(client, world):
    """School, category and service names are typed by people; a spreadsheet opening the CSV
    must show them, not run them."""
    from schoolwell.models import Category

    world["a"].name = '=HYPERLINK("http://x")'
    world["a"].save()
    Category.objects.filter(slug="attendance").update(name="@SUM(1)")
    client.force_login(world["analyst"])
    school = csv_rows(client.get(reverse("trends:csv", args=["school"]), RANGE))
    assert '\'=HYPERLINK("http://x")' in [r[0] for r in school]
    category = csv_rows(client.get(reverse("trends:csv", args=["category"]), RANGE))
    assert "'@SUM(1)" in [r[0] for r in category]
    assert not any(cell.startswith(("=", "@", "+")) for row in school + category for cell in row)
