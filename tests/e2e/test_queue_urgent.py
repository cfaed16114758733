"""Urgent is never out of sight, in a real browser at desk and phone widths: an overdue
urgent item leads, red and saying "overdue by" in words; a new urgent item arriving live
lands at the top, above another student's earlier items, and the tab title's count goes up;
the tone's switch is on and its label comes from the server."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from schoolwell.models import Discipline, Role
from support_team.models import Intake
from support_team.services import intake_open
from tests.e2e.conftest import new_page, screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = "Live: new items appear here as they arrive."


def open_item(school, student, urgency, summary, overdue_by=None):
    intake = intake_open(
        school=school, student=student, source="staff_note", summary=summary, urgency=urgency
    )
    if overdue_by:
        Intake.objects.filter(pk=intake.pk).update(
            target_at=intake.opened_at - overdue_by, opened_at=intake.opened_at - overdue_by
        )
    return intake


def send_urgent_concern(page, teacher) -> None:
    sign_in(page, teacher)
    page.goto("/concerns/new/")
    page.get_by_label("Type part of a name or student ID").press_sequentially("Moss", delay=40)
    page.get_by_label("Ria Moss").check()
    page.get_by_label("Emotional wellbeing").check()
    page.get_by_label("Worried", exact=True).check()
    page.get_by_label("What happened?").fill("Said she does not want to be here any more.")
    page.get_by_label("I think this student may be at immediate risk of harm").check()
    page.get_by_role("button", name="Send to the support team").click()
    page.wait_for_url(lambda url: "/concerns/new/" not in url)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (360, 780)])
def test_a_new_urgent_item_lands_on_top_and_the_tab_title_counts_it(
    browser, asgi_live_server, school_a, width, height
):
    team = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    ola = enrolled_student(school_a, legal_first_name="Ola", legal_last_name="Brandt")
    sam = enrolled_student(school_a, legal_first_name="Sam", legal_last_name="Iwu")
    ria = enrolled_student(school_a, legal_first_name="Ria", legal_last_name="Moss")
    late = open_item(
        school_a,
        ola,
        Intake.Urgency.URGENT,
        "Said he will not go home",
        overdue_by=datetime.timedelta(hours=2, minutes=10),
    )
    normals = [
        open_item(school_a, sam, Intake.Urgency.NORMAL, f"Missed homework, week {n}")
        for n in (1, 2)
    ]
    teacher = member(Role.TEACHER, school=school_a)
    page = new_page(browser, asgi_live_server, viewport={"width": width, "height": height})
    teacher_page = new_page(browser, asgi_live_server)
    try:
        sign_in(page, team)
        page.goto("/team/queue/")
        expect(page.locator("#live-status")).to_have_text(LIVE)
        expect(page).to_have_title("(1) Queue · SchoolWell")
        late_row = page.locator(f"#intake-{late.pk}")
        expect(late_row).to_have_class(re.compile(r"\brow-overdue\b"))
        expect(late_row.locator("td.time-left")).to_have_text("overdue by 2 h")
        expect(page.locator(f"#intake-{normals[0].pk} td.time-left")).to_have_text(
            "2 school days left"
        )
        toggle = page.get_by_label("Sound on: play a tone when an urgent item arrives")
        expect(toggle).to_be_checked()  # on by default for the team
        assert serious_violations(page) == []
        screenshot(page, f"queue-urgent-1-overdue-{width}")

        # The teacher's concern goes through the server, which publishes it the way it
        # would for real (an event sent from this test's thread would not reach daphne's).
        send_urgent_concern(teacher_page, teacher)
        arrived = Intake.objects.get(student=ria)
        new_row = page.locator(f"#intake-{arrived.pk}")
        expect(new_row).to_be_visible()  # pushed, never polled
        expect(page).to_have_title("(2) Queue · SchoolWell")
        ids = page.locator("#queue-rows tr").evaluate_all("rows => rows.map(r => r.id)")
        # The overdue urgent item has less time left; the new one is next, above Sam's.
        assert ids == [
            f"intake-{late.pk}",
            f"intake-{arrived.pk}",
            *(f"intake-{n.pk}" for n in normals),
        ]
        expect(new_row.locator("td.time-left")).to_have_text(re.compile(r"^(60|59) min left$"))
        expect(new_row).to_have_class(re.compile(r"\barrived-urgent\b"))
        assert serious_violations(page) == []
        screenshot(page, f"queue-urgent-2-arrived-{width}")

        toggle.uncheck()
        page.reload()
        expect(
            page.get_by_label("Sound on: play a tone when an urgent item arrives")
        ).not_to_be_checked()
    finally:
        page.context.close()
        teacher_page.context.close()
