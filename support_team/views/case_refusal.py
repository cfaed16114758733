"""Why a post on the case page changed nothing, and where the page shows it.

A refused form shows its errors inside itself and the page opens there (the forms post to
`...#case-error`); the message at the top only links down to it. When the form is not on
the page for this reader any more (the case was closed meanwhile, or the reader may not use
it), the reason shows at the top instead, so it is never lost."""

from dataclasses import dataclass, field

from support_team.selectors.cases import CasePage

# Which forms each reader sees, as the template decides; the others appear on any open case.
SHOWN = {
    "member": lambda page: page.can_manage_team,
    "close": lambda page: page.can_close,
    "intervention": lambda page: bool(page.goals),
}


@dataclass(frozen=True)
class Refusal:
    """`title` names the form or place in the top message. A refused form is `form` (its
    errors list themselves); a refused button (join, done, cancel, reopen, a goal's status)
    has `messages`, shown beside the button named by `kind` and `pk`."""

    title: str
    form: object = None
    messages: list[str] = field(default_factory=list)
    kind: str = ""
    pk: int | None = None
    in_place: bool = True


def form_refusal(name: str, form, page: CasePage) -> Refusal:
    """`name` is the form's key on the page (FORMS), or "intervention-<pk>" for an update."""
    shown = page.case.is_open and SHOWN.get(name, lambda page: True)(page)
    return Refusal(form.form_title, form=form, in_place=shown)
