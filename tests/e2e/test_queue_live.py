"""Journey 3 in a real browser: the team's queue is live. A concern a teacher sends appears
on an open queue screen with no reload, and of two people pressing Claim on the same item at
the same moment exactly one gets it. Served by daphne (asgi_live_server): the page's
websocket to /ws/team/queue/ is the real one."""

import time

import pytest
from playwright.sync_api import expect

from schoolwell.models import Discipline, Role
from support_team.models import Intake
from support_team.services import intake_open
from tests.e2e.conftest import new_page, screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = "Live: new items appear here as they arrive."


def open_queue(page, user):
    sign_in(page, user)
    page.goto("/team/queue/")
    # The status line says "live" only once the socket is open: from then on events arrive.
    expect(page.locator("#live-status")).to_have_text(LIVE)
    # Marks this document: if the page were reloaded, the mark would be gone.
    page.evaluate("window.__sameDocument = true")


def still_the_same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_a_concern_appears_on_an_open_queue_without_a_reload(browser, asgi_live_server, school_a):
    team = member(Role.SUPPORT, school=school_a, discipline=Discipline.SOCIAL_WORKER)
    teacher = member(Role.TEACHER, school=school_a)
    enrolled_student(school_a, legal_first_name="Marisol", legal_last_name="Quintero")
    queue_page = new_page(browser, asgi_live_server)
    teacher_page = new_page(browser, asgi_live_server)
    try:
        open_queue(queue_page, team)
        assert serious_violations(queue_page) == []
        screenshot(queue_page, "queue-live-1-open-and-empty")

        sign_in(teacher_page, teacher)
        teacher_page.goto("/concerns/new/")
        teacher_page.get_by_label("Type part of a name or student ID").press_sequentially(
            "Quint", delay=40
        )
        teacher_page.get_by_label("Marisol Quintero").check()
        teacher_page.get_by_label("Attendance").check()
        teacher_page.get_by_label("Worried", exact=True).check()
        teacher_page.get_by_label("What happened?").fill("Asleep in class three days running.")
        teacher_page.get_by_label("Where").fill("Room 12")
        screenshot(teacher_page, "queue-live-2-teacher-concern-form")
        teacher_page.get_by_role("button", name="Send to the support team").click()
        teacher_page.wait_for_url("**/concerns/mine/")
        screenshot(teacher_page, "queue-live-3-teacher-received")

        intake = Intake.objects.get(source=Intake.Source.CONCERN)
        row = queue_page.locator(f"#intake-{intake.pk}")
        expect(row).to_be_visible()  # waits for the row: pushed, never polled
        expect(row).to_contain_text("Marisol")
        assert still_the_same_document(queue_page), "the queue page reloaded"
        assert serious_violations(queue_page) == []
        screenshot(queue_page, "queue-live-4-row-arrived")
    finally:
        queue_page.context.close()
        teacher_page.context.close()


def test_two_people_pressing_claim_at_once_give_one_winner(browser, asgi_live_server, school_a):
    student = enrolled_student(school_a, legal_first_name="Tomas", legal_last_name="Okafor")
    intake = intake_open(school=school_a, student=student, source="staff_note", summary="Quiet")
    ana = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR, first_name="Ana")
    ben = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE, first_name="Ben")
    pages = {
        ana.pk: new_page(browser, asgi_live_server),
        ben.pk: new_page(browser, asgi_live_server),
    }
    try:
        for person in (ana, ben):
            open_queue(pages[person.pk], person)
            expect(pages[person.pk].locator(f"#intake-{intake.pk}")).to_be_visible()
        screenshot(pages[ana.pk], "queue-claim-1-ana-before")
        screenshot(pages[ben.pk], "queue-claim-1-ben-before")

        # Both press Claim at the same instant: each page schedules the press of its own
        # button for one moment on the shared clock (the sync API cannot click two pages at
        # once, and a press made later could meet a row already updated by the first one).
        at = int(time.time() * 1000) + 400
        for page in pages.values():
            button = page.locator(f"#intake-{intake.pk}").get_by_role("button", name="Claim")
            expect(button).to_be_visible()
            button.evaluate("(button, at) => setTimeout(() => button.click(), at - Date.now())", at)

        for page in pages.values():
            expect(page.locator(".messages")).to_be_visible()  # each got an answer
        intake.refresh_from_db()
        assert intake.status == Intake.Status.CLAIMED
        assert intake.claimed_by_id in (ana.pk, ben.pk)
        assert intake.version == 2, "claimed once, not twice"
        assert intake.history.filter(status=Intake.Status.CLAIMED).count() == 1
        winner = ana if intake.claimed_by_id == ana.pk else ben
        loser = ben if winner is ana else ana
        expect(pages[winner.pk].locator(".messages")).to_contain_text("It is yours")
        expect(pages[loser.pk].locator(".messages")).to_contain_text("already has this one")
        expect(pages[loser.pk].locator(".messages")).to_contain_text(str(winner))
        expect(pages[loser.pk].locator(f"#intake-{intake.pk}")).to_contain_text(str(winner))
        screenshot(pages[winner.pk], "queue-claim-2-winner")
        screenshot(pages[loser.pk], "queue-claim-2-told-who-has-it")
        assert serious_violations(pages[loser.pk]) == []
    finally:
        for page in pages.values():
            page.context.close()


async def _unheard(consumer, event):
    """A heartbeat that never reaches the page."""


def test_a_silent_socket_is_replaced_and_the_queue_re_read(
    browser, asgi_live_server, school_a, settings, monkeypatch
):
    """A connection can die without closing (a proxy drops it, a subscription breaks). The page
    hears a heartbeat every QUEUE_HEARTBEAT_SECONDS; after three missed it opens a new socket,
    and the new socket's first act is to re-read the queue, so an event lost meanwhile is
    made good."""
    from schoolwell import realtime
    from support_team import consumers

    settings.QUEUE_HEARTBEAT_SECONDS = 1
    team = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    student = enrolled_student(school_a, legal_first_name="Ines", legal_last_name="Varga")
    page = new_page(browser, asgi_live_server)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    try:
        open_queue(page, team)
        opened = len(sockets)  # signing in may land on the queue too
        monkeypatch.setitem(consumers.PUSH_HANDLERS, "queue.heartbeat", _unheard)
        monkeypatch.setattr(realtime, "send_now", lambda group, event: False)  # lost
        intake = intake_open(school=school_a, student=student, source="staff_note", summary="x")
        row = page.locator(f"#intake-{intake.pk}")
        expect(row).to_be_visible(timeout=15_000)
        assert len(sockets) > opened, "the row came back without a new socket"
        assert still_the_same_document(page), "the queue page reloaded"
        expect(page.locator("#live-status")).to_have_text(LIVE)
    finally:
        page.context.close()


def test_signing_out_in_another_tab_empties_the_open_queue_and_it_stays_empty(
    browser, asgi_live_server, school_a
):
    """The socket closes with 4401 when its session ends; the page takes the rows off the
    screen, says why, and does not reconnect (a reconnect would be refused anyway)."""
    team = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    student = enrolled_student(school_a, legal_first_name="Ines", legal_last_name="Varga")
    intake = intake_open(school=school_a, student=student, source="staff_note", summary="x")
    page = new_page(browser, asgi_live_server)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    try:
        open_queue(page, team)
        expect(page.locator(f"#intake-{intake.pk}")).to_contain_text("Ines")
        opened = len(sockets)
        other_tab = page.context.new_page()
        other_tab.goto(f"{asgi_live_server.url}/team/queue/")
        other_tab.get_by_role("button", name="Sign out").click()
        other_tab.wait_for_url("**/accounts/login/**")
        expect(page.locator("#live-status")).to_contain_text("Signed out")
        expect(page.locator("#queue-rows tr")).to_have_count(0)
        assert "Ines" not in page.locator("#queue").inner_text()
        assert still_the_same_document(page), "the page reloaded instead"
        page.wait_for_timeout(3000)  # past the first reconnect delay (1 s, jittered)
        assert len(sockets) == opened, "the page reconnected after being signed out"
    finally:
        page.context.close()


def test_a_screen_coming_back_reads_only_what_changed_while_it_was_away(
    browser, asgi_live_server, school_a, settings, monkeypatch
):
    """While its socket was dead, one item was closed and another arrived. The new socket's
    first act is to ask for what changed since the page's last read (queue_changes), not to
    re-read the whole table: the closed row leaves, the new one arrives in its place."""
    from schoolwell import realtime
    from support_team import consumers
    from support_team.services.triage import intake_close

    settings.QUEUE_HEARTBEAT_SECONDS = 1
    team = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    ines = enrolled_student(school_a, legal_first_name="Ines", legal_last_name="Varga")
    omar = enrolled_student(school_a, legal_first_name="Omar", legal_last_name="Haddad")
    staying = intake_open(school=school_a, student=ines, source="staff_note", summary="x")
    leaving = intake_open(school=school_a, student=omar, source="staff_note", summary="y")
    page = new_page(browser, asgi_live_server)
    reads = []
    page.on("request", lambda request: reads.append(request.url))
    try:
        open_queue(page, team)
        expect(page.locator(f"#intake-{leaving.pk}")).to_be_visible()
        monkeypatch.setitem(consumers.PUSH_HANDLERS, "queue.heartbeat", _unheard)
        monkeypatch.setattr(realtime, "send_now", lambda group, event: False)  # lost
        intake_close(intake=leaving, by=team, reason="no_action")
        arrived = intake_open(
            school=school_a, student=ines, source="staff_note", summary="z", urgency=0
        )
        expect(page.locator(f"#intake-{arrived.pk}")).to_be_visible(timeout=15_000)
        expect(page.locator(f"#intake-{leaving.pk}")).to_have_count(0)
        expect(page.locator(f"#intake-{staying.pk}")).to_be_visible()
        # Ines's two rows sit together, the urgent one first (the group's order).
        ids = page.locator("#queue-rows tr").evaluate_all("rows => rows.map(r => r.id)")
        assert ids == [f"intake-{arrived.pk}", f"intake-{staying.pk}"]
        assert any("/team/queue/changes/?since=" in url for url in reads)
        assert not any("partial=rows" in url for url in reads), "the whole table was re-read"
        assert still_the_same_document(page), "the queue page reloaded"
    finally:
        page.context.close()


def test_a_pushed_row_moves_the_point_a_screen_coming_back_reads_from(
    browser, asgi_live_server, school_a, settings, monkeypatch
):
    """Events reach a socket process in the order they were published, so once the page has
    applied a pushed row it holds everything published before: a reconnect asks for the
    changes since that row's time, not since the page was loaded."""
    from schoolwell import realtime
    from support_team import consumers

    settings.QUEUE_HEARTBEAT_SECONDS = 1
    team = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    student = enrolled_student(school_a, legal_first_name="Ines", legal_last_name="Varga")
    page = new_page(browser, asgi_live_server)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        open_queue(page, team)
        loaded = float(page.locator("#queue").get_attribute("data-read-at"))
        pushed = asgi_live_server.call(
            intake_open, school=school_a, student=student, source="staff_note", summary="x"
        )
        expect(page.locator(f"#intake-{pushed.pk}")).to_be_visible()
        monkeypatch.setitem(consumers.PUSH_HANDLERS, "queue.heartbeat", _unheard)
        monkeypatch.setattr(realtime, "send_now", lambda group, event: False)  # lost
        missed = intake_open(school=school_a, student=student, source="staff_note", summary="y")
        expect(page.locator(f"#intake-{missed.pk}")).to_be_visible(timeout=15_000)
        since = [float(url.split("since=")[1].split("&")[0]) for url in asked if "since=" in url]
        assert since and since[0] > loaded, (loaded, since)
    finally:
        page.context.close()
