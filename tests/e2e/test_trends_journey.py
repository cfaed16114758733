"""Journey 7: a district analyst opens the trends, filters to one school and two categories,
shares the URL (it reproduces the view) and downloads a chart's table as CSV."""

from pathlib import Path

import pytest

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.trends.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_filters_shares_and_downloads_the_trends(page):
    world = build_world()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, world["analyst"])
    page.get_by_role("link", name="Trends").click()  # in the header for district staff
    page.wait_for_url("**/trends/")
    page.locator("#t-month .trends-chart .main-svg").first.wait_for()  # plotly drew it
    assert serious_violations(page) == []
    screenshot(page, "trends-dashboard")

    page.get_by_role("checkbox", name="Alder School").check()
    page.get_by_role("checkbox", name="Attendance").check()
    page.get_by_role("checkbox", name="Bullying").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/trends/?*school=*")
    shared = page.url
    assert shared.count("category=") == 2
    page.locator("#t-category .trends-chart .main-svg").first.wait_for()
    screenshot(page, "trends-filtered")

    # Someone else opening the shared link sees the same view.
    other = page.context.new_page()
    other.goto(shared)
    assert other.get_by_role("checkbox", name="Alder School").is_checked()
    assert other.get_by_role("checkbox", name="Bullying").is_checked()
    assert not other.get_by_role("checkbox", name="Birch School").is_checked()
    table = other.locator("#t-category table")
    assert table.get_by_role("row").count() == 4  # header, two categories, all mentions
    # Every published count carries its cell-key adjustment (at most 3 either way), and the
    # same count reads the same in the table and in its CSV.
    shown = {}
    for row in table.locator("tbody tr, tfoot tr").all():
        label, count = row.locator("th, td").all_inner_texts()[:2]
        shown[label.strip()] = int(count.replace(",", ""))
    truth = {"Attendance": 30, "Bullying": 12, "All category mentions": 42}
    assert set(shown) == set(truth), shown
    assert all(abs(shown[label] - n) <= 3 for label, n in truth.items()), shown

    with other.expect_download() as download:
        other.locator("#t-category").get_by_role("link", name="Download the table as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    downloaded = {line.split(",")[0]: int(line.split(",")[1]) for line in text.splitlines()[1:]}
    assert downloaded == shown
    assert serious_violations(other) == []
    assert problems == [], problems
