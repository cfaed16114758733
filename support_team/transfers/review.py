"""What the sending team reads while it finishes a packet: the "leave out" list in words
(people and things by name, under the section they belong to; the refs stay the form's
values), the case notes the lead chose that a level would leave behind, and the document's
moments as local dates for the page."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from support_team.models import Note
from support_team.transfers import build
from support_team.transfers.models import TransferPacket
from support_team.transfers.pdf import STAFF_ROLES, section_titles


@dataclass
class LeaveOutGroup:
    """One section of the packet: its own ref (leave the whole section out) and its items."""

    section: str
    title: str
    items: list[tuple[str, str]] = field(default_factory=list)

    @property
    def section_ref(self) -> str:
        return f"section:{self.section}"


def local(value: str | None) -> datetime | None:
    """An ISO moment from a packet document, in the site's time zone: a line written at 7 pm
    in Chicago is dated that day, not the next (its UTC date)."""
    parsed = parse_datetime(value) if value else None
    if parsed is None:
        return None
    return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed


def _day(value: str | None) -> str:
    moment = local(value)
    return date_format(moment, "j M Y") if moment else ""


def _goal(goal: dict) -> str:
    return _("Goal: %(goal)s") % {"goal": goal["description"]}


def _intervention(i: dict) -> str:
    what = f"{i['kind_label']}: {i['description']}" if i.get("description") else i["kind_label"]
    return _("Intervention: %(what)s") % {"what": what}


def _labels(section: str, item: dict) -> list[tuple[str, str]]:
    """(ref, words) for one item of a section, and for a goal its interventions after it."""
    if section == "plan":
        return [(item["ref"], _goal(item))] + [
            (i["ref"], _intervention(i)) for i in item.get("interventions", [])
        ]
    if section == "contacts":
        relation = f" ({item['relationship']})" if item.get("relationship") else ""
        return [(item["ref"], f"{item['name']}{relation}")]
    if section == "staff_contacts":
        role = STAFF_ROLES.get(item.get("role"), item.get("role") or "")
        return [(item["ref"], f"{item['name']} ({role})" if role else item["name"])]
    if section in ("referrals", "chronology"):
        return [(item["ref"], f"{_day(item.get('at'))} · {item['title']}")]
    if section == "consents":
        return [(item["ref"], item["text"])]
    return [(item["ref"], item.get("name") or item["ref"])]


def leave_out_groups(document: dict) -> list[LeaveOutGroup]:
    """Every section the team may leave out, in the packet's order, with its items named.
    A section that has no list of items (accommodations, the case summary) is one choice."""
    titles = section_titles()
    groups = []
    for section in build.REDACTABLE_SECTIONS:
        group = LeaveOutGroup(section=section, title=titles[section])
        value = document.get(section)
        if isinstance(value, list):
            for item in value:
                group.items.extend(_labels(section, item))
        groups.append(group)
    return groups


def leave_out_choices(document: dict) -> list[tuple[str, str]]:
    """The same choices flat, for the form to accept exactly these refs."""
    choices = []
    for group in leave_out_groups(document):
        choices.append((group.section_ref, _("All of %(section)s") % {"section": group.title}))
        choices.extend(group.items)
    return choices


def chosen_notes(packet: TransferPacket) -> list[Note]:
    """The case notes the lead chose for the packet, oldest first."""
    return list(packet.included_notes.select_related("author").order_by("written_at", "pk"))


def notes_above(packet: TransferPacket, level: str, chosen: list[Note] | None = None) -> list[Note]:
    """The notes the lead chose that a packet approved at `level` would not carry."""
    allowed = build.notes_allowed(level)
    return [
        note
        for note in (chosen_notes(packet) if chosen is None else chosen)
        if note.level not in allowed
    ]


def highest_chosen_level(packet: TransferPacket) -> str:
    """The lowest approval level that carries every chosen note ("" when none is chosen)."""
    ranks = [build.NOTE_RANK[n] for n in packet.included_notes.values_list("level", flat=True)]
    if not ranks:
        return TransferPacket.NoteLevel.NONE
    top = max(ranks)
    return next(level for level, rank in build.NOTE_RANK.items() if rank == top)


def level_warnings(packet: TransferPacket) -> dict[str, list[Note]]:
    """approval level -> the chosen notes it would leave behind (only levels that would)."""
    chosen, warnings = chosen_notes(packet), {}
    for level in TransferPacket.NoteLevel.values:
        dropped = notes_above(packet, level, chosen)
        if dropped:
            warnings[level] = dropped
    return warnings


def for_display(document: dict) -> dict:
    """The document with its moments as local datetimes, for the page's date filter."""
    shown = dict(document)
    for section in ("referrals", "chronology"):
        if isinstance(document.get(section), list):
            shown[section] = [{**e, "at": local(e.get("at"))} for e in document[section]]
    notes = document.get("notes") or []
    shown["notes"] = [{**n, "written_at": local(n.get("written_at"))} for n in notes]
    return shown
