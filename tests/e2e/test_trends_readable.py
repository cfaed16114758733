"""Trends are readable (issue 15, item 9): at a laptop's width and a phone's, an analyst
opening the trends never scrolls the page sideways (a wide table scrolls inside its own box),
no chart's legend runs into its axis labels, and a selection whose every count is suppressed
says so in words instead of drawing an empty axis."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.trends.conftest import RANGE, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENTENCE = "Too few students in this selection to show: counts under 10 are not published."

# For each drawn chart: the legend's box and every x tick label's box, in page pixels.
OVERLAPS = """() => {
  const boxes = (root, sel) => Array.from(root.querySelectorAll(sel))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const meet = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  let charts = 0;
  for (const chart of document.querySelectorAll(".trends-chart.drawn")) {
    charts += 1;
    const legends = boxes(chart, ".legend");
    const labels = boxes(chart, ".xtick text, .ytick text");
    for (const legend of legends) {
      for (const label of labels) {
        if (meet(legend, label)) { found.push(chart.closest("section").id); break; }
      }
    }
  }
  return {charts, found};
}"""


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def _open(page, query: str):
    page.goto(f"/trends/?{query}")
    # plotly drew every chart the page holds
    expect(page.locator(".trends-chart:not(:has(.main-svg))")).to_have_count(0)
    page.wait_for_timeout(300)  # plotly's responsive relayout after the first draw


@pytest.mark.parametrize("width", [1280, 360])
def test_an_analyst_reads_the_trends_at_laptop_and_phone_width(page, width):
    world = build_world()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 800})
    sign_in(page, world["analyst"])
    query = "&".join(f"{k}={v}" for k, v in RANGE.items())
    _open(page, query)

    assert not _page_scrolls_sideways(page)
    result = page.evaluate(OVERLAPS)
    assert result["charts"] >= 6, result  # the charts with published counts were drawn
    assert result["found"] == [], result
    # A table wider than its column scrolls inside its own box, not the page.
    for box in page.locator(".table-scroll").all():
        overflow = box.evaluate("e => getComputedStyle(e).overflowX")
        assert overflow == "auto"
    assert serious_violations(page) == []
    screenshot(page, f"trends-readable-{width}")

    # School B alone: 12 students, every count under the threshold.
    _open(page, f"{query}&school={world['b'].pk}")
    category = page.locator("#t-category")
    assert category.get_by_text(SENTENCE).first.is_visible()
    assert category.locator(".trends-chart").count() == 0
    assert category.locator("caption").inner_text().endswith(SENTENCE)
    assert not _page_scrolls_sideways(page)
    assert page.evaluate(OVERLAPS)["found"] == []
    category.scroll_into_view_if_needed()
    screenshot(page, f"trends-suppressed-{width}")
    assert problems == [], problems
