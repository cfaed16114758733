"""The concerns accessors: one concern or legacy import for this actor, 404 outside their
scope, with what they may do with it (schoolwell.access.reach)."""

from dataclasses import dataclass

from concerns.models import Concern, ConcernImport
from schoolwell import permissions
from schoolwell.access import reach
from schoolwell.actor import Who


@dataclass(frozen=True)
class ConcernCan:
    see_all: bool  # the school's team: the whole concern, and its read is logged
    add_observation: bool  # only its reporter adds later observations


def concern_for(actor: Who, pk: int, *, read: bool = False) -> Concern:
    """A reporter's own concern, or any concern at a school where the actor is on the team.
    A read by the team is logged; a reporter reading what they wrote is not."""
    return reach(
        Concern.objects.visible_to(actor).select_related("student", "school"),
        pk,
        actor=actor,
        can=lambda concern: ConcernCan(
            see_all=permissions.is_team_at(actor, concern.school_id),
            add_observation=permissions.can_add_observation(actor, concern),
        ),
        read=lambda concern: "concern" if read and concern.can.see_all else "",
    )


def concern_import_for(actor: Who, pk: int) -> ConcernImport:
    """The actor's own legacy import, without its table: the page shows the stored preview;
    a remap loads the table when it needs it, the confirmation locks and loads the row."""
    scope = ConcernImport.objects.visible_to(actor).select_related("school").defer("table")
    return reach(scope, pk, actor=actor)
