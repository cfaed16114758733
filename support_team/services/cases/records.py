"""What is written down on a case: notes at their confidentiality levels, meetings with
their actions, and follow-ups."""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell import permissions
from schoolwell.models import User
from support_team.models import Case, FollowUp, Goal, Meeting, Note
from support_team.services.cases.core import lock, record, require_team_members


class MeetingAction(NamedTuple):
    """One action agreed at a meeting: it becomes a follow-up."""

    title: str
    assignee: User
    due_on: date


@transaction.atomic
def note_add(*, case: Case, by: User, level: str, body: str, goal: Goal | None = None) -> Note:
    """Write a note at a level the author may read (permissions.note_levels): a social worker
    cannot write a health-only note, only the lead and the safeguarding lead write lead-only
    ones. With a goal of this case it is a progress note on that goal. Notes are never edited:
    a correction is a new note."""
    case = lock(case, by=by)
    if level not in permissions.note_levels(by, case):
        raise ValidationError({"level": _("You cannot write notes at this level.")})
    if goal is not None and goal.case_id != case.pk:
        raise ValidationError({"goal": _("That goal belongs to another case.")})
    note = Note(
        case=case,
        goal=goal,
        level=level,
        body=(body or "").strip(),
        author=by,
        written_at=timezone.now(),
    )
    note.full_clean()
    note.save()
    record(
        case, by=by, title=_("Progress noted on a goal") if goal else _("Note added to the case")
    )
    return note


@transaction.atomic
def meeting_record(
    *,
    case: Case,
    by: User,
    held_on: date,
    summary: str,
    attendees: Iterable[User] = (),
    other_attendees: str = "",
    decisions: str = "",
    actions: Iterable[MeetingAction] = (),
) -> Meeting:
    """Record a meeting that has happened: who came (the school's team, plus others by name),
    what was said and decided, and its actions, each of which becomes a follow-up linked to
    the meeting. All of it is saved, or none of it."""
    case = lock(case, by=by)
    attendees, actions = list(attendees), list(actions)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a meeting once it has taken place.")})
    if any(action.due_on < held_on for action in actions):
        raise ValidationError(_("An action cannot be due before the meeting it came from."))
    require_team_members(
        case,
        attendees + [a.assignee for a in actions],
        _("Attendees and the people given actions must be on the school's support team."),
    )
    meeting = Meeting(
        case=case,
        held_on=held_on,
        other_attendees=(other_attendees or "").strip(),
        summary=(summary or "").strip(),
        decisions=(decisions or "").strip(),
        recorded_by=by,
    )
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    for action in actions:
        _follow_up_save(case, by, action.title, action.assignee, action.due_on, meeting)
    record(case, by=by, title=_("Case meeting recorded"))
    return meeting


def _follow_up_save(
    case: Case, by: User, title: str, assignee: User, due_on: date, meeting: Meeting | None
) -> FollowUp:
    follow_up = FollowUp(
        case=case,
        meeting=meeting,
        title=(title or "").strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=by,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_add(*, case: Case, by: User, title: str, assignee: User, due_on: date) -> FollowUp:
    """Something someone on the school's team must do by a date."""
    case = lock(case, by=by)
    require_team_members(
        case, [assignee], _("A follow-up goes to someone on the school's support team.")
    )
    follow_up = _follow_up_save(case, by, title, assignee, due_on, None)
    record(case, by=by, title=_("Follow-up added"))
    return follow_up


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUp, by: User) -> FollowUp:
    """Mark a follow-up done (anyone on the team: colleagues cover for each other). Done
    twice is done once."""
    case = lock(follow_up.case_id, by=by)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk, case=case)
    if follow_up.is_done:
        return follow_up
    follow_up.done_at, follow_up.done_by = timezone.now(), by
    follow_up.full_clean()
    follow_up.save()
    record(case, by=by, title=_("Follow-up done"))
    return follow_up


@transaction.atomic
def follow_up_cancel(*, follow_up: FollowUp, by: User) -> Case:
    """Call off an open follow-up that is no longer needed (its assignee, the case lead or
    the safeguarding lead). It is deleted; its history keeps what it was and who cancelled
    it. A done follow-up stays: it happened."""
    case = lock(follow_up.case_id, by=by)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk, case=case)
    if follow_up.is_done:
        raise ValidationError(_("This follow-up is already done."))
    if not permissions.can_cancel_follow_up(by, follow_up, case):
        raise ValidationError(
            _("Only the person it is assigned to, or the case lead, can cancel a follow-up.")
        )
    follow_up.delete()
    return record(case, by=by, title=_("Follow-up cancelled"))
