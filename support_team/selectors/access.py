"""The support team's accessors: one intake, case or note for this actor, with what they
may do with it, logged when it is read (schoolwell.access.reach)."""

from dataclasses import dataclass

from schoolwell import permissions
from schoolwell.access import reach
from schoolwell.actor import Who
from support_team.models import Case, Intake, Note


@dataclass(frozen=True)
class IntakeCan:
    act: bool  # make a triage decision (assign, urgency, case, route, escalate, close)


@dataclass(frozen=True)
class CaseCan:
    work: bool  # tier, needs, plan, notes at their levels, meetings, follow-ups
    close: bool
    change_lead: bool
    manage_team: bool
    refer: bool
    note_levels: frozenset[str]


def intake_for(actor: Who, pk: int, *, read: str = "", related: tuple[str, ...] = ()) -> Intake:
    return reach(
        Intake.objects.visible_to(actor).select_related("student", "school", *related),
        pk,
        actor=actor,
        read=read,
        can=lambda intake: IntakeCan(act=permissions.can_act_on_intake(actor, intake)),
    )


def case_can(actor: Who, case: Case) -> CaseCan:
    return CaseCan(
        work=permissions.can_work_on_case(actor, case),
        close=permissions.can_close_case(actor, case),
        change_lead=permissions.can_change_case_lead(actor, case),
        manage_team=permissions.can_manage_case_team(actor, case),
        refer=permissions.can_refer(actor, case),
        note_levels=frozenset(permissions.note_levels(actor, case)),
    )


def case_for(actor: Who, pk: int, *, read: str = "") -> Case:
    return reach(
        Case.objects.visible_to(actor).select_related("student", "school", "lead"),
        pk,
        actor=actor,
        read=read,
        can=lambda case: case_can(actor, case),
    )


def case_note_for(actor: Who, case: Case, pk: int) -> Note:
    """One note of a case the actor already reached, only at a level they may read: a note
    above their level answers 404 like a note that does not exist. Always a read."""
    return reach(
        case.notes.visible_to(actor, case).select_related("author", "goal"),
        pk,
        actor=actor,
        read="case note",
        student=lambda note: case.student,
    )
