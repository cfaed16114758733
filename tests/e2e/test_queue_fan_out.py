"""The live queue renders once and fans out (support_team/live_rows.py, queue_rows.js): two
team members' screens, one in English and one in Spanish, get each change's row with the
event, with no request of their own, and each fills in its own parts: "Give back" only for the
person whose claim it is, who else has the item open (never yourself), and a form token that
works."""

import pytest
from playwright.sync_api import expect

from schoolwell.models import Discipline, Role
from support_team.models import Intake
from support_team.services import intake_claim, intake_open
from support_team.services.triage import intake_presence_mark
from tests.e2e.conftest import new_page, screenshot, serious_violations, sign_in
from tests.e2e.test_queue_live import open_queue, still_the_same_document
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROW_READS = ("/team/queue/row/", "partial=rows")


def fetches_of_rows(page) -> list[str]:
    """Every request the page makes for rows over HTTP, from now on."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if any(p in r.url for p in ROW_READS) else 0)
    return seen


def test_two_screens_get_each_row_with_the_event_and_fill_in_their_own_parts(
    browser, asgi_live_server, school_a
):
    ana = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR, first_name="Ana")
    ben = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE, first_name="Ben")
    student = enrolled_student(school_a, legal_first_name="Lucia", legal_last_name="Ferreira")
    english = new_page(browser, asgi_live_server, viewport={"width": 360, "height": 800})
    spanish = new_page(browser, asgi_live_server, viewport={"width": 360, "height": 800})
    try:
        open_queue(english, ana)
        sign_in(spanish, ben)
        spanish.context.add_cookies(
            [{"name": "django_language", "value": "es", "url": asgi_live_server.url}]
        )
        spanish.goto("/team/queue/")
        expect(spanish.locator("#live-status")).to_contain_text("En vivo")
        spanish.evaluate("window.__sameDocument = true")
        row_reads = {page: fetches_of_rows(page) for page in (english, spanish)}

        intake = asgi_live_server.call(
            intake_open,
            school=school_a,
            student=student,
            source=Intake.Source.STAFF_NOTE,
            summary="Missed the bus twice",
            urgency=Intake.Urgency.URGENT,
        )
        row = {page: page.locator(f"#intake-{intake.pk}") for page in (english, spanish)}
        expect(row[english]).to_contain_text("Urgent")
        expect(row[spanish]).to_contain_text("Urgente")
        expect(row[spanish].get_by_role("button", name="Tomar")).to_be_visible()

        asgi_live_server.call(intake_claim, intake=intake, by=ana)
        expect(row[english].get_by_role("button", name="Give back")).to_be_visible()
        expect(row[spanish]).to_contain_text("Ana")
        expect(row[spanish].locator("form.give-back")).to_be_hidden()

        asgi_live_server.call(intake_presence_mark, intake=intake, user=ben)
        expect(row[english].locator(".presence")).to_have_text(f"Open now by {ben}")
        expect(row[spanish].locator(".presence")).to_have_count(0)  # never yourself
        screenshot(english, "queue-fan-out-1-english-360")
        screenshot(spanish, "queue-fan-out-2-spanish-360")
        assert row_reads == {english: [], spanish: []}, "a screen fetched a row itself"
        assert all(still_the_same_document(page) for page in (english, spanish))
        assert serious_violations(english) == [] and serious_violations(spanish) == []

        # The token the screen filled in is a working one: giving back goes through.
        row[english].get_by_role("button", name="Give back").click()
        expect(english.get_by_text("Back in the queue.")).to_be_visible()
        intake.refresh_from_db()
        assert intake.claimed_by is None
    finally:
        english.context.close()
        spanish.context.close()


def test_a_row_pushed_while_the_whole_queue_is_re_read_stays_on_the_screen(
    browser, asgi_live_server, school_a
):
    """The re-read is read on the server before the push and arrives after it: the pushed
    row goes back on top of it instead of vanishing until the next event."""
    ana = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    student = enrolled_student(school_a, legal_first_name="Ines", legal_last_name="Rocha")
    page = new_page(browser, asgi_live_server)
    held = []

    def hold_first_re_read(route):
        if held:
            return route.continue_()
        held.append((route, route.fetch()))  # read now, delivered when the test says

    try:
        open_queue(page, ana)
        page.route(lambda url: "partial=rows" in url, hold_first_re_read)
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        for _ in range(200):  # the handler runs while Playwright waits
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the page did not re-read the queue"

        intake = asgi_live_server.call(
            intake_open,
            school=school_a,
            student=student,
            source=Intake.Source.STAFF_NOTE,
            summary="Left class in tears",
        )
        row = page.locator(f"#intake-{intake.pk}")
        expect(row).to_be_visible()  # pushed

        page.evaluate("document.getElementById('queue-rows').dataset.before = 'yes'")
        route, stale = held[0]
        route.fulfill(response=stale)  # the re-read, without the row
        expect(page.locator("#queue-rows[data-before]")).to_have_count(0)  # re-read landed
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Ines")
        assert still_the_same_document(page)
    finally:
        page.context.close()
