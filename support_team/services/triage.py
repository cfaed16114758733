"""Triage: the decisions a team member makes on an intake after it reaches the queue.

The rule every service here follows:
- The intake row is locked (`select_for_update`), the actor is checked against
  `permissions.can_act_on_intake` *after* the lock (so a claim that landed a moment ago
  counts), the version goes up by one, a history row and a chronology line are written
  (the line says what kind of decision it was, never what anyone wrote) and the queue hears
  of it after commit.
- A closed intake takes no further decisions (new information reopens it, see
  `intake_add_information`).
- Triage ends an intake by closing it, whatever it decided: taken into a case (reason CASE,
  the case is linked), routed to a school service (reason ROUTED, the service is linked), or
  closed with a reason from the list. The work goes on in the case or the service; the queue
  only holds what still needs a decision. `triaged_at` is the first decision's time (the
  time-to-triage figure); assigning, changing urgency and escalating are not decisions.
  The person who raised the item sees "Being looked at" when it is first picked up and then
  what became of it in broad words read from `closed_reason` (followed up, passed on,
  reviewed: `selectors.reporter_outcome`); the case, the notes and who decided stay with the
  team.
"""

import logging
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell import permissions, realtime
from schoolwell.models import User
from support_team import selectors
from support_team.models import CloseReason, Intake
from support_team.services import (
    AlreadyClaimed,
    _change,
    safeguarding_alert,
    target_time,
)
from support_team.services.cases import case_open_or_join

logger = logging.getLogger(__name__)

# Reasons that only the case and route decisions give (they link what the intake became).
DECIDED_ELSEWHERE = frozenset({CloseReason.CASE, CloseReason.ROUTED})


def _lock_for(intake: Intake, by: User) -> Intake:
    """The intake, locked, if `by` may act on it now and it is still open."""
    locked = (
        # Lock the intake row only: claimed_by is an outer join, which PostgreSQL cannot lock.
        Intake.objects.select_for_update(of=("self",))
        .select_related("student", "school", "claimed_by")
        .get(pk=intake.pk)
    )
    if not permissions.can_act_on_intake(by, locked):
        raise AlreadyClaimed(locked)
    if locked.status == Intake.Status.CLOSED:
        raise ValidationError(_("This item is already closed."))
    return locked


def _decided(intake: Intake, now) -> None:
    """Close the intake as triaged now (the first decision sets triaged_at)."""
    intake.status = Intake.Status.CLOSED
    intake.closed_at = now
    intake.triaged_at = intake.triaged_at or now


@transaction.atomic
def intake_assign(*, intake: Intake, to: User, by: User) -> Intake:
    """Give the intake to a member of the school's support team (it becomes theirs, as if
    they had claimed it). Anyone who may act on it may assign it, including to themselves:
    that is how a safeguarding lead takes over an item someone else has."""
    intake = _lock_for(intake, by)
    if to.pk not in {u.pk for u in selectors.team_members(school_id=intake.school_id)}:
        raise ValidationError({"to": _("Choose someone on this school's support team.")})
    if intake.claimed_by_id == to.pk:
        return intake
    before = intake.status
    intake.claimed_by, intake.claimed_at, intake.status = to, timezone.now(), Intake.Status.CLAIMED
    title = _("Assigned to %(name)s") % {"name": to}
    return _change(intake, title, by, before=before)


@transaction.atomic
def intake_set_urgency(*, intake: Intake, urgency: int, by: User) -> Intake:
    """Change how urgent the intake is; the target time is worked out again from when it was
    opened (urgent: one hour; otherwise two school days). Raising it to urgent alerts the
    school's safeguarding leads, as an urgent intake does when it arrives."""
    if urgency not in Intake.Urgency.values:
        raise ValidationError({"urgency": _("Choose an urgency from the list.")})
    intake = _lock_for(intake, by)
    if intake.urgency == urgency:
        return intake
    became_urgent = urgency == Intake.Urgency.URGENT
    intake.urgency = urgency
    intake.target_at = target_time(
        school=intake.school, urgency=urgency, opened_at=intake.opened_at
    )
    title = _("Urgency set to %(urgency)s") % {"urgency": intake.get_urgency_display()}
    intake = _change(intake, title, by)
    if became_urgent:
        transaction.on_commit(lambda: safeguarding_alert(intake=intake))
    return intake


@transaction.atomic
def intake_to_case(*, intake: Intake, by: User, tier: int | None = None, needs=()) -> Intake:
    """Take the intake into the student's open case at the school, or open one (led by `by`,
    at `tier`, with `needs`); joining adds `by` and the needs to the case. The intake is then
    closed as CASE and linked to the case, where the work continues."""
    intake = _lock_for(intake, by)
    case, created = case_open_or_join(
        school=intake.school, student=intake.student, by=by, needs=needs, tier=tier
    )
    before = intake.status
    intake.case = case
    intake.closed_reason, intake.closed_note = CloseReason.CASE, ""
    _decided(intake, timezone.now())
    title = _("Taken into a new case") if created else _("Taken into the open case")
    return _change(
        intake, title, by, before=before, link=reverse("support_team:case", args=[case.pk])
    )


@transaction.atomic
def intake_route(*, intake: Intake, service, by: User) -> Intake:
    """Route the intake to a school service (a `schoolwell.Service` that is active and
    provided at school). The intake is closed as ROUTED with the service recorded."""
    if not service.active or service.provided_by != "school":
        raise ValidationError({"service": _("Choose an active school service.")})
    intake = _lock_for(intake, by)
    before = intake.status
    intake.routed_service = service
    intake.closed_reason, intake.closed_note = CloseReason.ROUTED, ""
    _decided(intake, timezone.now())
    title = _("Routed to a school service: %(service)s") % {"service": service.name}
    return _change(intake, title, by, before=before)


@transaction.atomic
def intake_escalate(*, intake: Intake, by: User) -> Intake:
    """Pass the intake to the school's safeguarding leads: it is marked escalated (a badge on
    its row) and every lead gets an e-mail that names the school and links to the item,
    without any detail about the student. Once per intake. It stays in the queue, with
    whoever has it."""
    intake = _lock_for(intake, by)
    if intake.escalated_at is not None:
        raise ValidationError(_("This item has already been escalated."))
    intake.escalated_at, intake.escalated_by = timezone.now(), by
    intake = _change(intake, _("Escalated to the safeguarding lead"), by)
    transaction.on_commit(lambda: safeguarding_alert(intake=intake, escalated=True))
    return intake


@transaction.atomic
def intake_close(*, intake: Intake, reason: str, note: str = "", by: User) -> Intake:
    """Close the intake with a reason from the list and, for "Other", a note saying why (the
    note stays on the intake; the chronology shows only the reason). Taking into a case and
    routing have their own actions, which link what the intake became."""
    if reason not in CloseReason.values or reason in DECIDED_ELSEWHERE:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    note = note.strip()
    if reason == CloseReason.OTHER and not note:
        raise ValidationError({"note": _("Say why, when the reason is Other.")})
    intake = _lock_for(intake, by)
    before = intake.status
    intake.closed_reason, intake.closed_note = reason, note
    _decided(intake, timezone.now())
    title = _("Closed: %(reason)s") % {"reason": CloseReason(reason).label}
    return _change(intake, title, by, before=before)


def intake_presence_mark(*, intake: Intake, user: User, leaving: bool = False) -> bool:
    """Record that `user` has the intake open (a heartbeat) or has left it, in the cache for
    PRESENCE_TTL seconds. Not a state change: no version, no history. When the set of people
    looking changes, the queue hears a `queue.presence` event naming them all (ids and names),
    and each screen shows the others without a fetch. Returns whether the set changed. A
    cache that is down changes nothing and breaks nothing."""
    key = selectors.presence_key(intake.pk)
    now = time.time()
    try:
        entries = cache.get(key) or {}
    except Exception:  # presence is a courtesy: a cache that is down changes nothing
        logger.warning("cache unavailable; presence on intake %s not recorded", intake.pk)
        return False
    live = {uid: entry for uid, entry in entries.items() if entry[0] > now}
    before = set(live)
    if leaving:
        live.pop(user.pk, None)
    else:
        live[user.pk] = (now + selectors.PRESENCE_TTL, str(user))
    try:
        if live:
            cache.set(key, live, selectors.PRESENCE_TTL)
        else:
            cache.delete(key)
    except Exception:
        logger.warning("cache unavailable; presence on intake %s not recorded", intake.pk)
        return False
    changed = set(live) != before
    if changed:
        # Sent now, not on commit: nothing in the database changed, so there is nothing to
        # wait for (and no version: the screens take the names whatever they hold).
        realtime.send_now(
            realtime.queue_group(intake.school_id),
            {"type": "queue.presence", "intake": intake.pk, "viewers": selectors.named(live)},
        )
    return changed
