"""Journey 6: a student moves from Maple Middle to Riverbend High (two demo schools of one
district). The sending team starts the packet, the lead approves (re-authenticating) and
sends it; the receiving team finds it in its queue, opens and accepts it, the receiving lead
acknowledges; the sending team sees each step. The PDF is kept as PNG for a human to see."""

import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schoolwell.models import Discipline, Enrollment, Role
from support_team.models import Intake
from support_team.transfers.models import TransferPacket
from tests.e2e.conftest import ARTIFACTS, new_page, screenshot, serious_violations, sign_in
from tests.factories import PASSWORD, DistrictFactory, SchoolFactory, enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schools():
    district = DistrictFactory(name="Riverbend Unified School District")
    return (
        SchoolFactory(district=district, name="Maple Middle School"),
        SchoolFactory(district=district, name="Riverbend High School"),
    )


def trail(page) -> str:
    return page.locator(".transfer-trail").inner_text()


@pytest.mark.long
def test_a_packet_follows_a_student_to_the_next_school(browser, live_server, schools):
    middle, high = schools
    sender = member(Role.SUPPORT, school=middle, discipline=Discipline.SOCIAL_WORKER)
    sender_lead = member(Role.SAFEGUARDING_LEAD, school=middle)
    receiver = member(Role.SUPPORT, school=high, discipline=Discipline.COUNSELOR)
    receiver_lead = member(Role.SAFEGUARDING_LEAD, school=high)
    student = enrolled_student(
        middle, legal_first_name="Marisol", legal_last_name="Quintero", section_504=True
    )
    # The roster import moves her: Maple ends, Riverbend High begins.
    student.enrollments.update(end_date=timezone.localdate())
    Enrollment.objects.create(student=student, school=high, start_date=timezone.localdate())

    # The sending team starts the packet from the list of students who left.
    team = new_page(browser, live_server)
    sign_in(team, sender)
    team.goto("/transfers/")
    assert serious_violations(team) == []
    team.get_by_role("button", name="Start packet for Marisol Quintero").click()
    team.wait_for_url("**/transfers/*/")
    team.get_by_label("Consents on file").fill("Parent agreed to share with the next school")
    team.get_by_role("button", name="Save the review").click()
    expect(team.get_by_text("Review saved.")).to_be_visible()
    screenshot(team, "transfer-draft")
    packet = TransferPacket.objects.get()

    # The sending lead approves: allauth asks for the password again first.
    lead = new_page(browser, live_server)
    sign_in(lead, sender_lead)
    lead.goto(f"/transfers/{packet.pk}/")
    lead.get_by_label("Team notes", exact=True).check()
    lead.get_by_role("button", name="Approve the packet").click()
    lead.wait_for_url("**/accounts/reauthenticate/**")
    lead.get_by_label("Password").fill(PASSWORD)
    lead.get_by_role("button", name="Confirm").click()
    lead.wait_for_url(f"**/transfers/{packet.pk}/")
    assert lead.get_by_text("Approved. The packet can now be sent.").is_visible()
    lead.get_by_role("button", name="Send within the district").click()
    expect(lead.locator("#packet-status")).to_have_text("Sent")
    screenshot(lead, "transfer-sent")

    # The receiving team sees it in its queue, opens it, accepts it.
    intake = Intake.objects.get(source=Intake.Source.TRANSFER)
    assert intake.school == high
    inbox = new_page(browser, live_server)
    sign_in(inbox, receiver)
    inbox.goto("/team/queue/")
    # The live queue may redraw the row just after load: wait for it rather than look once.
    row_label = inbox.locator(f"#intake-{intake.pk}").get_by_text("Transfer packet").first
    row_label.wait_for(state="visible")
    assert row_label.is_visible()
    screenshot(inbox, "transfer-in-receiving-queue")
    inbox.goto("/transfers/")
    inbox.locator("#incoming").locator("..").get_by_role("link", name="Marisol Quintero").click()
    inbox.wait_for_url(f"**/transfers/{packet.pk}/")
    assert serious_violations(inbox) == []

    team.reload()
    assert "Viewed: " in trail(team) and "Accepted: not yet" in trail(team)

    inbox.get_by_role("button", name="Accept the packet").click()
    expect(inbox.get_by_text("Accepted. The student's chronology now links to it.")).to_be_visible()
    team.reload()
    assert "Accepted: not yet" not in trail(team)
    assert "Acknowledged: not yet" in trail(team)

    # The receiving lead acknowledges receipt.
    ack = new_page(browser, live_server)
    sign_in(ack, receiver_lead)
    ack.goto(f"/transfers/{packet.pk}/")
    ack.get_by_role("button", name="Acknowledge receipt").click()
    expect(ack.get_by_text("Receipt acknowledged.")).to_be_visible()

    team.reload()
    text = trail(team)
    assert "not yet" not in text
    assert f"by {receiver_lead}" in text
    screenshot(team, "transfer-acknowledged-seen-by-sender")

    # The PDF, as the receiving team downloads it: kept as PNG, read back as text.
    response = inbox.request.get(f"/transfers/{packet.pk}/pdf/")
    assert response.headers["content-type"] == "application/pdf"
    data = response.body()
    _check_pdf(data)
    for person in (team, lead, inbox, ack):
        person.context.close()


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for section in ("Student", "Accommodations", "Key contacts", "Consents", "Chronology"):
        assert section in text
    assert "Marisol Quintero" in text and "504 plan: yes" in text
    assert "Parent agreed to share with the next school" in text
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "transfer-journey.pdf"
    path.write_bytes(data)
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is needed to keep the PDF as an image")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(path), str(ARTIFACTS / "transfer-journey")],
        check=True,
    )
    assert list(ARTIFACTS.glob("transfer-journey*.png"))
