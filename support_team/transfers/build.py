"""Draft a packet's document from the record. The document is the packet: what the team
reviews, what the lead approves, what the JSON file and the PDF carry. Every item that can be
left out has a `ref`; the packet's `excluded` list names the refs (or whole sections, as
"section:<name>") the team took out. Case notes are never in a draft: only the notes the
safeguarding lead added one by one, and only up to the level the lead approved."""

from collections.abc import Callable

from django.db.models import Prefetch
from django.utils import timezone

from schoolwell.models import Role
from support_team.models import Case, Intake, Note, TimelineEntry
from support_team.models.cases import withheld_label
from support_team.transfers.models import TransferPacket
from support_team.transfers.schema import SCHEMA_ID

# Confidentiality levels in increasing order: a packet approved at one level carries notes
# of that level and below, never above.
NOTE_RANK = {Note.Level.TEAM: 1, Note.Level.HEALTH: 2, Note.Level.LEAD: 3}
REDACTABLE_SECTIONS = (
    "accommodations",
    "case",
    "needs",
    "plan",
    "services",
    "contacts",
    "staff_contacts",
    "referrals",
    "consents",
    "chronology",
)
CHRONOLOGY_LIMIT = 1000


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def notes_allowed(level: str) -> set[str]:
    """The note levels a packet approved at `level` may carry."""
    rank = NOTE_RANK.get(level, 0)
    return {name for name, r in NOTE_RANK.items() if r <= rank}


def source_case(packet: TransferPacket) -> Case | None:
    """The case the packet speaks for: the open one at the sending school, else the latest."""
    cases = Case.objects.filter(student=packet.student, school=packet.from_school)
    return cases.filter(status=Case.Status.OPEN).first() or cases.first()


def _case_section(case: Case | None) -> tuple[dict | None, list, list]:
    if case is None:
        return None, [], []
    goals = case.goals.prefetch_related(
        Prefetch("interventions", to_attr="planned"), "interventions__owner"
    )
    plan = [
        {
            "ref": f"goal:{goal.pk}",
            "description": goal.description,
            "status": goal.status,
            "status_label": str(goal.get_status_display()),
            "interventions": [
                {
                    "ref": f"intervention:{i.pk}",
                    "kind": i.kind,
                    "kind_label": str(i.get_kind_display()),
                    "description": i.description,
                    "frequency": str(i.get_frequency_display()),
                    "status": i.status,
                    "start_date": _iso(i.start_date),
                    "review_date": _iso(i.review_date),
                    "outcome": i.outcome_notes,
                }
                for i in goal.planned
            ],
        }
        for goal in goals
    ]
    needs = [
        {"ref": f"need:{n.slug}", "slug": n.slug, "name": n.name}
        for n in case.needs.order_by("order", "name")
    ]
    summary = {
        "tier": case.tier,
        "tier_label": str(case.get_tier_display()),
        "status": case.status,
        # The day it was opened where the school is, not its UTC date.
        "opened_on": _iso(timezone.localtime(case.opened_at).date()),
        "lead": str(case.lead),
    }
    return summary, needs, plan


def _contacts(packet: TransferPacket) -> list[dict]:
    contacts = []
    for g in packet.student.guardians.order_by("last_name", "first_name", "pk"):
        # A do-not-contact person is named so the next school knows not to call them; how to
        # reach them stays behind.
        hidden = g.do_not_contact
        contacts.append(
            {
                "ref": f"guardian:{g.pk}",
                "name": f"{g.first_name} {g.last_name}",
                "relationship": g.relationship,
                "email": "" if hidden else g.email,
                "phone": "" if hidden else g.phone,
                "do_not_contact": hidden,
            }
        )
    return contacts


def _staff(packet: TransferPacket, case: Case | None) -> list[dict]:
    from support_team.selectors import safeguarding_leads

    people = {}
    if case is not None:
        people[case.lead.pk] = (case.lead, "case_lead")
    for lead in safeguarding_leads(school_id=packet.from_school_id):
        people.setdefault(lead.pk, (lead, Role.SAFEGUARDING_LEAD.value))
    return [
        {"ref": f"staff:{pk}", "name": str(user), "role": role, "email": user.email}
        for pk, (user, role) in sorted(people.items())
    ]


def _notes(packet: TransferPacket) -> list[dict]:
    allowed = notes_allowed(packet.note_level)
    if not allowed or packet.pk is None:
        return []
    notes = packet.included_notes.filter(
        level__in=allowed, case__student=packet.student, case__school=packet.from_school
    ).select_related("author")
    return [
        {
            "ref": f"note:{n.pk}",
            "level": n.level,
            "written_at": _iso(n.written_at),
            "author": str(n.author),
            "body": n.body,
        }
        for n in notes.order_by("written_at", "pk")
    ]


def _timeline(packet: TransferPacket) -> list[TimelineEntry]:
    # The packet's own lines ("started", "reviewed") say nothing about the student.
    return list(
        TimelineEntry.objects.filter(student=packet.student, school=packet.from_school)
        .exclude(source=TimelineEntry.Source.TRANSFER)
        .order_by("-at", "-pk")[:CHRONOLOGY_LIMIT]
    )


def _drop_refs(items: list[dict], excluded: set[str]) -> list[dict]:
    kept = []
    for item in items:
        if item.get("ref") in excluded:
            continue
        if "interventions" in item:
            item = {**item, "interventions": _drop_refs(item["interventions"], excluded)}
        kept.append(item)
    return kept


def build_document(packet: TransferPacket, *, redact: bool = True) -> dict:
    """The packet's document as it stands: the record, less what the team left out, plus the
    notes the lead added at or below the approved level. `redact=False` keeps what was left
    out: the team's review lists every item, ticked or not, so a choice can be undone."""
    student, school = packet.student, packet.from_school
    case = source_case(packet)
    case_summary, needs, plan = _case_section(case)
    services = (
        Intake.objects.filter(student=student, school=school, routed_service__isnull=False)
        .values_list("routed_service_id", "routed_service__name")
        .distinct()
        .order_by("routed_service__name")
    )
    timeline = _timeline(packet)
    doc = {
        "schema": SCHEMA_ID,
        "packet_id": str(packet.uid),
        "generated_at": timezone.now().isoformat(),
        "urgent": packet.urgent,
        "sender": {
            "district": {"id": school.district.sourced_id, "name": school.district.name},
            "school": {
                "id": school.sourced_id,
                "name": school.name,
                "safeguarding_phone": school.safeguarding_phone,
            },
        },
        "approved": None,
        "student": {
            "id": student.sourced_id,
            "sis_id": student.sis_id,
            "legal_first_name": student.legal_first_name,
            "legal_last_name": student.legal_last_name,
            "preferred_name": student.preferred_name,
            "date_of_birth": _iso(student.date_of_birth),
            "grade": student.grade,
            "home_language": student.home_language,
            "mckinney_vento": student.mckinney_vento,
            "foster_care": student.foster_care,
            "english_learner": student.english_learner,
        },
        "accommodations": {"iep": student.iep, "section_504": student.section_504},
        "case": case_summary,
        "needs": needs,
        "plan": plan,
        "services": [{"ref": f"service:{pk}", "name": name} for pk, name in services],
        "contacts": _contacts(packet),
        "staff_contacts": _staff(packet, case),
        "referrals": [
            {"ref": f"timeline:{e.pk}", "at": _iso(e.at), "title": e.title}
            for e in timeline
            if e.source == TimelineEntry.Source.REFERRAL
        ],
        "consents": [
            {"ref": f"consent:{n}", "text": line.strip()}
            for n, line in enumerate(packet.consents.splitlines(), start=1)
            if line.strip()
        ],
        "chronology": [
            {"ref": f"timeline:{e.pk}", "at": _iso(e.at), "source": e.source, "title": e.title}
            for e in timeline
        ],
        "note_level": packet.note_level,
        "notes": _notes(packet),
    }
    excluded = set(packet.excluded or []) if redact else set()
    for section in REDACTABLE_SECTIONS:
        if f"section:{section}" in excluded:
            doc[section] = None if isinstance(doc[section], dict) or doc[section] is None else []
        elif isinstance(doc[section], list):
            doc[section] = _drop_refs(doc[section], excluded)
    doc["redactions"] = len(excluded)
    return doc


def document_as_read(document: dict, reads: Callable[[dict], bool]) -> dict:
    """The document as one reader sees it: a note they may not read (`reads`, from
    schoolwell.permissions) keeps its level, date and author, and its body gives way to the
    placeholder. Every page and PDF of a packet goes through here; the stored document and
    the sealed file keep the body, with its level, for readers at that level."""
    shown = []
    for note in document.get("notes") or []:
        if reads(note):
            shown.append(note)
            continue
        kept = {key: note.get(key) for key in ("ref", "level", "written_at", "author")}
        shown.append({**kept, "withheld": withheld_label(note.get("level"))})
    return {**document, "notes": shown}


def candidate_notes(packet: TransferPacket):
    """Notes the safeguarding lead may add to the packet: the student's case notes at the
    sending school (the lead sees every level there)."""
    return Note.objects.filter(
        case__student=packet.student, case__school=packet.from_school
    ).select_related("author", "case")
