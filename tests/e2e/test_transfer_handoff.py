"""Issue 15, item 5, walked as the people who do it: the sending team records from the
student's page that she has left, starts the packet, leaves a guardian out by name; the
lead chooses two case notes, is warned that the level she picks leaves one behind, is refused
until she confirms, approves and sends; the receiving team opens the packet from its queue
item; both schools read the five-school-day deadline and the time left. Screenshots at
1280 and 360 px wide."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Locale

from schoolwell.models import Category, Discipline, Enrollment, Role
from support_team.models import Intake, Note
from support_team.services.cases import case_open_or_join
from support_team.transfers.models import TransferPacket
from tests.e2e.conftest import new_page, screenshot, serious_violations, sign_in
from tests.factories import (
    PASSWORD,
    DistrictFactory,
    GuardianFactory,
    SchoolFactory,
    enrolled_student,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def both_widths(page, name: str) -> None:
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, f"{name}-360")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 360, f"{name}: the page scrolls sideways at 360 px ({width} px)"


@pytest.mark.long
def test_a_packet_is_easy_to_finish_and_hard_to_get_wrong(browser, live_server):
    # The flush of a transactional test takes Wagtail's default locale with it; the queue
    # item's page lists the school services of that locale.
    Locale.objects.get_or_create(language_code="en")
    district = DistrictFactory(name="Riverbend Unified School District")
    middle = SchoolFactory(district=district, name="Maple Middle School")
    high = SchoolFactory(district=district, name="Riverbend High School")
    sender = member(Role.SUPPORT, school=middle, discipline=Discipline.SOCIAL_WORKER)
    sender_lead = member(Role.SAFEGUARDING_LEAD, school=middle)
    receiver = member(Role.SUPPORT, school=high, discipline=Discipline.COUNSELOR)
    student = enrolled_student(middle, legal_first_name="Marisol", legal_last_name="Quintero")
    GuardianFactory(first_name="Ana", last_name="Quintero", relationship="mother").students.add(
        student
    )
    case, _ = case_open_or_join(
        school=middle,
        student=student,
        by=sender_lead,
        tier=2,
        needs=list(Category.objects.filter(slug="attendance")),
    )
    for level, body in (("team", "Attends the lunch club"), ("lead", "Disclosed at home")):
        Note.objects.create(
            case=case, level=level, body=body, author=sender_lead, written_at=timezone.now()
        )

    # The sending team records, from her page, that she has left and where to.
    team = new_page(browser, live_server)
    sign_in(team, sender)
    team.goto(f"/team/students/{student.pk}/")
    team.get_by_role("link", name="Record that the student has left").click()
    team.get_by_label("Where the student went").fill("Riverbend High School")
    assert serious_violations(team) == []
    both_widths(team, "handoff-record-left")
    team.get_by_role("button", name="Record that the student has left").click()
    team.wait_for_url("**/transfers/#departed")
    assert "Moved to Riverbend High School" in team.locator("#departed + table").inner_text()
    team.get_by_role("button", name="Start packet for Marisol Quintero").click()
    team.wait_for_url("**/transfers/*/")
    packet = TransferPacket.objects.get()

    # The leave-out list names people and things, under their section.
    contacts = team.locator("#leave-out-contacts")
    assert contacts.get_by_role("heading", name="Key contacts").is_visible()
    contacts.get_by_label("Ana Quintero (mother)").check()
    chronology = team.locator("#leave-out-chronology").inner_text()
    assert "· Case opened" in chronology and "timeline:" not in chronology
    assert serious_violations(team) == []
    both_widths(team, "handoff-leave-out")
    team.get_by_role("button", name="Save the review").click()
    expect(team.get_by_text("Review saved.")).to_be_visible()

    # The lead chooses two notes; the level she then picks would leave one behind.
    lead = new_page(browser, live_server)
    sign_in(lead, sender_lead)
    lead.goto(f"/transfers/{packet.pk}/")
    for box in lead.locator("#notes-h ~ form input[type=checkbox]").all():
        box.check()
    lead.get_by_role("button", name="Save the chosen notes").click()
    approve = lead.locator("#approve")
    assert "You chose 2 case notes" in approve.inner_text()
    approve.get_by_label("Team notes", exact=True).check()
    team_level = approve.locator("li", has=lead.get_by_label("Team notes", exact=True))
    assert team_level.get_by_text("Leaves out 1 chosen note").is_visible()
    both_widths(lead, "handoff-note-warning")
    approve.get_by_role("button", name="Approve the packet").click()
    lead.wait_for_url("**/accounts/reauthenticate/**")
    lead.get_by_label("Password").fill(PASSWORD)
    lead.get_by_role("button", name="Confirm").click()
    error = lead.locator("#approve-error")
    error.wait_for()
    assert "above the level you are approving" in error.inner_text()
    packet.refresh_from_db()
    assert packet.status == TransferPacket.Status.DRAFT
    both_widths(lead, "handoff-approve-refused")
    approve = lead.locator("#approve")
    approve.get_by_label("Team notes", exact=True).check()
    approve.get_by_label("Yes, leave the chosen notes above this level out").check()
    approve.get_by_role("button", name="Approve the packet").click()
    expect(lead.get_by_text("Approved. The packet can now be sent.")).to_be_visible()
    # The roster enrolls her at the high school; the packet reaches its queue on sending.
    Enrollment.objects.create(student=student, school=high, start_date=timezone.localdate())
    lead.get_by_role("button", name="Send within the district").click()
    expect(lead.locator("#packet-status")).to_have_text("Sent")

    # The receiving team opens the packet from its queue item.
    intake = Intake.objects.get(source=Intake.Source.TRANSFER)
    inbox = new_page(browser, live_server)
    sign_in(inbox, receiver)
    inbox.goto("/team/queue/")
    inbox.locator(f"#intake-{intake.pk}").get_by_role("link", name=intake.summary).click()
    inbox.wait_for_url(f"**/team/queue/{intake.pk}/")
    inbox.get_by_role("link", name="Open the transfer packet").click()
    inbox.wait_for_url(f"**/transfers/{packet.pk}/")
    deadline = inbox.locator("[data-step=deadline]")
    assert "Acknowledge within five school days" in deadline.inner_text()
    assert "school days left" in deadline.inner_text()
    assert serious_violations(inbox) == []
    both_widths(inbox, "handoff-received")

    # The sending side reads the same deadline, on the packet and in its list.
    team.goto(f"/transfers/{packet.pk}/")
    assert team.locator("[data-step=deadline]").inner_text() == deadline.inner_text()
    assert "Left Maple Middle School on" in team.locator("#packet-left").inner_text()
    team.goto("/transfers/")
    assert "school days left" in team.locator("#outgoing + table").inner_text()
    both_widths(team, "handoff-sender-list")
    for person in (team, lead, inbox):
        person.context.close()
