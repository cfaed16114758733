"""What a school's queue screens are sent when one of its intakes changes: rendered once, for
every screen at once.

Each screen used to fetch the changed row over HTTP, so one event cost the server one render
per open screen (200 screens, 200 renders). Now the rows are rendered here, once per
language, right after the change commits, and travel with the event: the student's open rows
at that school (a change can move their group's figures and order), the intake itself as
`gone` when it closed, and the school's count of unclaimed urgent items for the tab title.

The rows are what every member of the school's team sees there (their scope is the school:
Intake.visible_to), rendered without a person: whose claim it is, who has it open and the
form token are filled in on each screen from what the row carries (static/schoolwell/
queue.js). A screen with its own filters, or showing the student's rows at another of its
schools, keeps its own figures by fetching just those rows.

If rendering fails, the event still goes, as ids and a version only: every screen then
fetches the row itself, as before. Nothing here may fail the request that made the change."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from support_team import selectors
from support_team.models import Intake
from support_team.selectors import time_left

logger = logging.getLogger(__name__)

ROW_TEMPLATE = "support_team/queue.html#row"


def changed(intake: Intake) -> Callable[[], dict]:
    """The event for a change of `intake`, built when it is sent (after the commit, so it
    reads what was committed)."""
    ids = {"type": "queue.changed", "intake": intake.pk, "version": intake.version}
    school_id, student_id = intake.school_id, intake.student_id

    def build() -> dict:
        event = {**ids, "school": school_id}
        try:
            event["text"] = _messages(ids, school_id=school_id, student_id=student_id)
        except Exception:  # the screens fetch the row themselves; the change is committed
            logger.exception("queue rows for intake %s not rendered", intake.pk)
        return event

    return build


def _messages(ids: dict, *, school_id: int, student_id: int) -> dict[str, str]:
    """{language: the socket message, as JSON text}: encoded here once, so each screen's
    socket only picks its language's text and sends it on."""
    at = time.time()
    rows = selectors.school_student_rows(school_id=school_id, student_id=student_id)
    gone = []
    if not any(row.pk == ids["intake"] for row in rows):
        version = Intake.objects.filter(pk=ids["intake"]).values_list("version", flat=True)
        gone = [{"id": ids["intake"], "version": version.first() or ids["version"]}]
    message = {
        **ids,
        "school": school_id,
        "student": student_id,
        "urgent": selectors.unclaimed_urgent_at(school_id=school_id),
        "at": at,
        "gone": gone,
    }
    now = time_left.clock()
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            time_left.annotate_time_left(rows, now=now)  # its words are in the language
            rendered = [
                {"id": row.pk, "version": row.version, "html": render_row(row)} for row in rows
            ]
        texts[code] = json.dumps({**message, "rows": rendered})
    return texts


def render_row(row: Intake) -> str:
    """One queue row as every screen gets it: without a person (queue_rows.js fills in the
    claim, the others who have it open and the form token)."""
    return render_to_string(ROW_TEMPLATE, {"intake": row, "now": timezone.now()}).strip()
