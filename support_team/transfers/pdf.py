"""The packet's human-readable copy, rendered on the server with fpdf2 from the approved
document (never from the live record, so the PDF and the JSON always say the same). Names in
any script need a Unicode font: DejaVu Sans from Debian's fonts-dejavu-core; without it the
PDF falls back to a core font and replaces what Latin-1 cannot show."""

import logging
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from support_team.transfers import build

# fontTools logs every glyph table it subsets at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"

SECTION_TITLES = {
    "student": gettext_lazy("Student"),
    "accommodations": gettext_lazy("Accommodations"),
    "case": gettext_lazy("Current support"),
    "needs": gettext_lazy("Active needs"),
    "plan": gettext_lazy("Plan: goals and interventions"),
    "services": gettext_lazy("Services in place"),
    "contacts": gettext_lazy("Key contacts"),
    "staff_contacts": gettext_lazy("Staff to contact at the sending school"),
    "referrals": gettext_lazy("Referrals"),
    "consents": gettext_lazy("Consents"),
    "chronology": gettext_lazy("Chronology summary"),
    "notes": gettext_lazy("Case notes added by the safeguarding lead"),
}


STAFF_ROLES = {
    "case_lead": gettext_lazy("case lead"),
    "safeguarding_lead": gettext_lazy("safeguarding lead"),
}


def section_titles() -> dict[str, str]:
    # Evaluated per call, so the PDF speaks the language active when it is rendered.
    return {key: str(value) for key, value in SECTION_TITLES.items()}


# Paper by the district's country: US Letter in the United States, A4 everywhere else (the
# few other Letter countries can be added here when a district there uses SchoolWell).
LETTER_COUNTRIES = frozenset({"US"})


def paper_for(district) -> str:
    """fpdf2's page format for the district that prints the packet."""
    country = getattr(district, "country", "") or ""
    return "Letter" if country.upper() in LETTER_COUNTRIES else "A4"


class _Packet(FPDF):
    def __init__(self, unicode_font: bool, paper: str = "A4"):
        super().__init__(format=paper)
        self.unicode_font = unicode_font
        if unicode_font:
            self.add_font("body", "", str(REGULAR))
            self.add_font("body", "B", str(BOLD))
        self.family = "body" if unicode_font else "helvetica"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def clean(self, text: object) -> str:
        text = "" if text is None else str(text)
        if self.unicode_font:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(
            0, 5, self.clean(_("Confidential. Page %(n)s") % {"n": self.page_no()}), align="C"
        )

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(0, 7, self.clean(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(self.family, "", 10)

    def line(self, text: object) -> None:
        text = self.clean(text)
        # A line that fits goes out as one cell: multi_cell measures character by character
        # and was most of the time of a 500-entry chronology.
        if "\n" not in text and self.get_string_width(text) < self.epw:
            self.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        else:
            self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def none(self) -> None:
        self.line(_("None recorded, or left out of this packet."))


def _date(value: str | None) -> str:
    """The day of an ISO moment where the school is (its UTC date can be the next day)."""
    if not value:
        return ""
    parsed = parse_datetime(value)
    if parsed is None:
        return value
    return (timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed).strftime(
        "%Y-%m-%d"
    )


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def render(document: dict, *, reads: Callable[[dict], bool], paper: str = "A4") -> bytes:
    """The PDF of an approved (or draft) packet document for one reader: `reads` (from
    schoolwell.permissions) says which notes' bodies they may see; the others show only
    that they exist. `paper`: paper_for() the district printing it."""
    document = build.document_as_read(document, reads)
    pdf = _Packet(unicode_font=REGULAR.exists() and BOLD.exists(), paper=paper)
    pdf.set_title("SchoolWell transfer packet")
    pdf.add_page()
    titles = section_titles()
    student, sender = document["student"], document["sender"]
    name = f"{student['legal_first_name']} {student['legal_last_name']}"
    pdf.heading(_("Transfer packet: %(name)s") % {"name": name}, size=16)
    pdf.line(
        _("From %(school)s, %(district)s. Packet %(id)s.")
        % {
            "school": sender["school"]["name"],
            "district": sender["district"]["name"],
            "id": document["packet_id"],
        }
    )
    if document.get("approved"):
        approved = document["approved"]
        pdf.line(
            _("Approved by %(by)s on %(at)s.") % {"by": approved["by"], "at": _date(approved["at"])}
        )
    if document.get("urgent"):
        pdf.heading(_("URGENT: McKinney-Vento. Contact the sending school today."), size=11)
    pdf.heading(titles["student"])
    pdf.line(_("Preferred name: %(v)s") % {"v": student["preferred_name"] or "-"})
    pdf.line(
        _("Date of birth: %(dob)s  Grade: %(grade)s  Home language: %(lang)s")
        % {
            "dob": student["date_of_birth"] or "-",
            "grade": student["grade"] or "-",
            "lang": student["home_language"] or "-",
        }
    )
    pdf.line(
        _("McKinney-Vento: %(mv)s  Foster care: %(fc)s  English learner: %(el)s")
        % {
            "mv": _yes(student["mckinney_vento"]),
            "fc": _yes(student["foster_care"]),
            "el": _yes(student["english_learner"]),
        }
    )
    pdf.heading(titles["accommodations"])
    acc = document.get("accommodations")
    if acc:
        pdf.line(
            _("IEP: %(iep)s  504 plan: %(s504)s")
            % {"iep": _yes(acc["iep"]), "s504": _yes(acc["section_504"])}
        )
    else:
        pdf.none()
    pdf.heading(titles["case"])
    case = document.get("case")
    if case:
        pdf.line(
            _("%(tier)s, case opened %(on)s, led by %(lead)s")
            % {"tier": case["tier_label"], "on": case["opened_on"], "lead": case["lead"]}
        )
    else:
        pdf.none()
    _list(pdf, titles["needs"], document["needs"], lambda n: n["name"])
    pdf.heading(titles["plan"])
    for goal in document["plan"]:
        pdf.set_font(pdf.family, "B", 10)
        pdf.line(f"{goal['description']} ({goal['status_label']})")
        pdf.set_font(pdf.family, "", 10)
        for i in goal["interventions"]:
            pdf.line(
                f"  - {i['kind_label']}: {i['description']} · {i['frequency']} · "
                f"{i['status']} · {i['start_date']} → {i['review_date']}"
            )
            if i["outcome"]:
                pdf.line(_("    What worked: %(outcome)s") % {"outcome": i["outcome"]})
    if not document["plan"]:
        pdf.none()
    _list(pdf, titles["services"], document["services"], lambda s: s["name"])
    _list(pdf, titles["contacts"], document["contacts"], _contact)
    _list(
        pdf,
        titles["staff_contacts"],
        document["staff_contacts"],
        lambda s: f"{s['name']} ({STAFF_ROLES.get(s['role'], s['role'])}) {s['email']}",
    )
    _list(
        pdf, titles["referrals"], document["referrals"], lambda r: f"{_date(r['at'])}  {r['title']}"
    )
    _list(pdf, titles["consents"], document["consents"], lambda c: c["text"])
    _list(
        pdf,
        titles["chronology"],
        document["chronology"],
        lambda e: f"{_date(e['at'])}  {e['title']}",
    )
    if document["notes"]:
        pdf.heading(titles["notes"])
        for note in document["notes"]:
            pdf.set_font(pdf.family, "B", 10)
            pdf.line(f"{_date(note['written_at'])} · {note['author']} · {note['level']}")
            pdf.set_font(pdf.family, "", 10)
            pdf.line(note.get("withheld") or note["body"])
    if document.get("redactions"):
        pdf.ln(3)
        pdf.line(
            _("%(n)s items were left out of this packet by the sending team.")
            % {"n": document["redactions"]}
        )
    return bytes(pdf.output())


def _contact(c: dict) -> str:
    if c["do_not_contact"]:
        return _("%(name)s (%(rel)s): DO NOT CONTACT") % {
            "name": c["name"],
            "rel": c["relationship"] or "-",
        }
    return f"{c['name']} ({c['relationship'] or '-'}) {c['email']} {c['phone']}"


def _list(pdf: _Packet, title: str, items: list | None, label) -> None:
    pdf.heading(title)
    if not items:
        pdf.none()
        return
    for item in items:
        pdf.line(f"• {label(item)}")
