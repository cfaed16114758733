"""Mapping the spreadsheet's columns to what a concern needs, and checking every row against
the school's students and the categories. Nothing here writes."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concerns.legacy_import.dates import DateOrders, Undecided, parse_date
from concerns.legacy_import.duplicates import Duplicate, find_duplicates
from concerns.legacy_import.table import Table, read_table
from concerns.models import NARRATIVE_MAX, Concern
from schoolwell.models import Category, School, Student

REPORTER_MAX = Concern._meta.get_field("imported_reporter").max_length

# field -> (label, header synonyms). A header is compared lower-case, without accents and
# punctuation, with and without its spaces; the first column matching a field takes it.
FIELDS = {
    "student_id": (
        gettext_lazy("Student id (SIS)"),
        "student id|sis|sis id|sis number|student number|student no|pupil id|pupil number|"
        "pupil no|upn|local id|student sis id",
    ),
    "student_name": (
        gettext_lazy("Student name"),
        "student name|pupil name|name|full name|student|pupil|child",
    ),
    "first_name": (
        gettext_lazy("Student first name"),
        "first name|forename|given name|first|legal first name",
    ),
    "last_name": (
        gettext_lazy("Student last name"),
        "last name|surname|family name|last|legal last name",
    ),
    "date_of_birth": (
        gettext_lazy("Date of birth"),
        "dob|d o b|date of birth|birth date|birthdate|birthday|born",
    ),
    "date": (
        gettext_lazy("Date of the concern"),
        "date|concern date|date of concern|incident date|date of incident|date reported|"
        "reported on|observed on|date logged|logged on|when|timestamp|created",
    ),
    "category": (
        gettext_lazy("Category"),
        "category|categories|concern type|type|type of concern|concern category|"
        "area of concern|issue|tags",
    ),
    "narrative": (
        gettext_lazy("What happened (narrative)"),
        "details|narrative|notes|note|description|concern|concern details|what happened|"
        "summary|comments|comment|detail",
    ),
    "reporter": (
        gettext_lazy("Reported by"),
        "reported by|staff|staff member|reporter|logged by|recorded by|raised by|"
        "submitted by|teacher|author",
    ),
    "severity": (
        gettext_lazy("How worried (severity)"),
        "severity|level|level of concern|how worried|risk|risk level|priority",
    ),
}
SYNONYMS = {
    spelling: name
    for name, (_label, synonyms) in FIELDS.items()
    for synonym in synonyms.split("|")
    for spelling in (synonym, synonym.replace(" ", ""))
}
# A column headed "Student" or "Pupil" may hold ids or names: its cells decide.
ID_OR_NAME = {"student", "pupil", "child"}
SEVERITIES = {
    Concern.Severity.LOW: {"low", "a little worried", "little", "minor", "mild", "1"},
    Concern.Severity.MODERATE: {"moderate", "medium", "med", "worried", "2"},
    Concern.Severity.HIGH: {"high", "very worried", "severe", "serious", "urgent", "3"},
}
# =1+1, @SUM(A1), +cmd|..., -HYPERLINK(...), -2+3+cmd|...; not "- was upset", "-5", "+1 555".
FORMULA = re.compile(
    r"^\s*(?:[=@]\s*\S|[+\-][A-Za-z(=+\-@]|[+\-]\s*\d[\d.,]*\s*[-+*/^&].*[A-Za-z(|!])", re.S
)


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return ": ".join(part for part in (where, self.column, self.message) if part)


@dataclass
class Row:
    line: int
    student_id: int
    on: date
    categories: list[Category]
    narrative: str
    reporter: str
    severity: str


@dataclass
class Checked:
    table: Table
    mapping: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dates: DateOrders = field(default_factory=DateOrders)
    order: str | None = None  # the order numeric dates were read in: chosen, or inferred
    pending: list[int] = field(default_factory=list)  # lines waiting for the date order
    duplicates: list[Duplicate] = field(default_factory=list)


def plain(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w']+", " ", text).split())


def detect_mapping(table: Table) -> dict[str, str]:
    """{field: column} guessed from the header."""
    mapping: dict[str, str] = {}
    for index, column in enumerate(table.columns):
        header = plain(column).replace("'", "")
        name = SYNONYMS.get(header) or SYNONYMS.get(header.replace(" ", ""))
        if header in ID_OR_NAME:
            cells = [row[index] for row in table.rows[:50] if row[index]]
            ids = sum(" " not in c and any(ch.isdigit() for ch in c) for c in cells)
            name = "student_id" if cells and ids * 2 > len(cells) else "student_name"
        if name and name not in mapping:
            mapping[name] = column
    return mapping


def mapping_problems(table: Table, mapping: dict[str, str]) -> list[Problem]:
    """What is missing or wrong in the mapping itself (reported against the header, line 1)."""
    problems = []
    chosen: dict[str, str] = {}
    for name, column in mapping.items():
        if column not in table.columns:
            problems.append(Problem(1, column, _("there is no such column in this file")))
        elif column in chosen:
            both = {"a": FIELDS[chosen[column]][0], "b": FIELDS[name][0]}
            problems.append(Problem(1, column, _("chosen for both %(a)s and %(b)s") % both))
        chosen[column] = name
    for name in ("date", "category", "narrative"):
        if name not in mapping:
            message = _("choose the column that holds: %(field)s") % {"field": FIELDS[name][0]}
            problems.append(Problem(1, "", message))
    has_name = "student_name" in mapping or {"first_name", "last_name"} <= mapping.keys()
    if "student_id" not in mapping and not (has_name and "date_of_birth" in mapping):
        message = _(
            "choose the column with the student id, or the columns with the student's name "
            "and date of birth"
        )
        problems.append(Problem(1, "", message))
    return problems


def check(
    data: bytes,
    *,
    school: School,
    mapping: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    order: str | None = None,
) -> Checked:
    """Read the file and check every row (check_table). Raises ImportFileError when the file
    is not a readable table."""
    return check_table(
        read_table(data), school=school, mapping=mapping, overrides=overrides, order=order
    )


def check_table(
    table: Table,
    *,
    school: School,
    mapping: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    order: str | None = None,
) -> Checked:
    """Check every row of a table already read. With no mapping the columns are detected,
    then the overrides applied. order: how numeric dates are written, as the user chose it
    (dates.DAY_FIRST or MONTH_FIRST); without one it is inferred from the file if the file
    proves it, and otherwise the rows whose dates read either way wait (Checked.pending).
    The rows that passed are then compared with the concerns already recorded
    (duplicates.py)."""
    if mapping is None:
        mapping = detect_mapping(table) | (overrides or {})
    mapping = {name: column for name, column in mapping.items() if name in FIELDS and column}
    checked = Checked(table, mapping, problems=mapping_problems(table, mapping))
    if not checked.problems and not table.rows:
        checked.problems.append(Problem(None, "", _("The file has a header row but no rows.")))
    if not checked.problems:
        RowChecker(table, mapping, school, order).run(checked)
        checked.duplicates = find_duplicates(checked.rows, school)
    return checked


class RowChecker:
    """What every row is checked against, loaded once: the students of the school, every
    category, today, and the order of the file's numeric dates (one for every date column)."""

    def __init__(
        self, table: Table, mapping: dict[str, str], school: School, order: str | None
    ) -> None:
        self.table, self.mapping, self.school = table, mapping, school
        self.index = {name: table.columns.index(column) for name, column in mapping.items()}
        self.today = timezone.localdate()
        self.dates = DateOrders()
        for name in ("date", "date_of_birth"):
            if name in self.index:
                for line, row in table.lines():
                    self.dates.see(line, row[self.index[name]])
        self.order = order or self.dates.inferred
        self.undecided = False
        self.by_sis: dict[str, set[int]] = {}
        self.by_name: dict[tuple[str, str, date], set[int]] = {}
        students = Student.objects.filter(enrollments__school=school).distinct()
        for pk, sis_id, first, preferred, last, born in students.values_list(
            "pk", "sis_id", "legal_first_name", "preferred_name", "legal_last_name", "date_of_birth"
        ):
            self.by_sis.setdefault(sis_id.strip(), set()).add(pk)
            for given in {first, preferred} - {""}:
                self.by_name.setdefault((plain(given), plain(last), born), set()).add(pk)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.all():
            names = (category.slug, slugify(category.name), plain(category.name))
            for key in (*names, plain(category.name_es)):
                if key:
                    self.categories.setdefault(key, category)

    def run(self, checked: Checked) -> None:
        checked.dates, checked.order = self.dates, self.order
        for line, cells in self.table.lines():
            if not any(cells):
                continue  # a blank row in the middle is not a concern
            problems: list[Problem] = []
            self.undecided = False
            row = self.row(line, cells, problems)
            checked.problems.extend(problems)
            if row is not None and not problems:
                checked.rows.append(row)
            elif self.undecided and not problems:
                checked.pending.append(line)

    def row(self, line: int, cells: list[str], problems: list[Problem]) -> Row | None:
        def cell(name: str) -> str:
            return cells[self.index[name]] if name in self.index else ""

        def problem(name: str, message: str) -> None:
            problems.append(Problem(line, self.mapping.get(name, ""), message))

        for name in self.index:
            if FORMULA.match(cell(name)):
                message = _(
                    "looks like a spreadsheet formula; remove the leading %(char)s if it is "
                    "meant as text"
                )
                problem(name, message % {"char": cell(name).strip()[0]})
        if problems:
            return None  # a formula row is refused as that, whatever else it holds
        on = self.date("date", cell("date"), problem)
        student_id = self.student(cell, problem)
        categories = self.categories_in(cell("category"), problem)
        narrative = cell("narrative")
        if not narrative:
            problem("narrative", _("the narrative is empty"))
        elif len(narrative) > NARRATIVE_MAX:
            sizes = {"n": f"{len(narrative):,}", "max": f"{NARRATIVE_MAX:,}"}
            problem("narrative", _("the narrative has %(n)s characters; at most %(max)s") % sizes)
        reporter = cell("reporter")
        if len(reporter) > REPORTER_MAX:
            problem("reporter", _("longer than %(max)s characters") % {"max": REPORTER_MAX})
        severity = self.severity(cell("severity"), problem)
        if problems or on is None or student_id is None:
            return None
        return Row(line, student_id, on, categories, narrative, reporter, severity)

    def date(self, name: str, text: str, problem) -> date | None:
        if not text:
            problem(name, _("the date is empty"))
            return None
        try:
            value = parse_date(text, order=self.order, excel=self.table.kind == "xlsx")
        except Undecided:
            self.undecided = True  # not a problem: the user is asked the order once
            return None
        except ValueError as error:
            problem(name, str(error))
            return None
        if value > self.today:
            problem(name, _("%(date)s is in the future") % {"date": value.isoformat()})
        elif value.year < 1900:
            problem(name, _("%(date)s is before 1900") % {"date": value.isoformat()})
        else:
            return value
        return None

    def student(self, cell, problem) -> int | None:
        """By SIS id (exact); without one, by first and last name and date of birth."""
        named = "student_name" if "student_name" in self.index else "last_name"
        sis_id = cell("student_id")
        if sis_id:
            found = self.by_sis.get(sis_id, set())
            if len(found) == 1:
                return next(iter(found))
            about = {"id": sis_id, "school": self.school}
            problem("student_id", _("no student with id %(id)s at %(school)s") % about)
            return None
        has_name = cell("student_name") or (cell("first_name") and cell("last_name"))
        if not has_name or "date_of_birth" not in self.index:
            problem("student_id" if "student_id" in self.index else named, _("no student id"))
            return None
        born = self.date("date_of_birth", cell("date_of_birth"), problem)
        if born is None:
            return None
        found = set()
        for first, last in _name_splits(cell):
            found |= self.by_name.get((plain(first), plain(last), born), set())
        if len(found) == 1:
            return next(iter(found))
        name = cell("student_name") or f"{cell('first_name')} {cell('last_name')}"
        about = {"name": name, "born": born.isoformat(), "school": self.school}
        if found:
            message = _(
                "more than one student called %(name)s born %(born)s at %(school)s: use the "
                "student id"
            )
        else:
            message = _("no student called %(name)s born %(born)s at %(school)s")
        problem(named, message % about)
        return None

    def categories_in(self, text: str, problem) -> list[Category]:
        """One or more categories, split at ; or , and matched on name, slug or Spanish name."""
        found: list[Category] = []
        names = [part.strip() for part in re.split(r"[;,]", text) if part.strip()]
        if not names:
            problem("category", _("the category is empty"))
        for name in names:
            category = self.categories.get(plain(name)) or self.categories.get(slugify(name))
            if category is not None:
                if category not in found:
                    found.append(category)
                continue
            near = difflib.get_close_matches(plain(name), list(self.categories), n=1, cutoff=0.6)
            if near:
                message = _('unknown category "%(name)s": did you mean "%(near)s"?')
                near = self.categories[near[0]].name
            else:
                message = _('unknown category "%(name)s"; the categories are %(near)s')
                near = ", ".join(sorted({c.name for c in self.categories.values()}))
            problem("category", message % {"name": name[:80], "near": near})
        return found

    def severity(self, text: str, problem) -> str:
        if not text:
            return Concern.Severity.MODERATE
        for severity, words in SEVERITIES.items():
            if plain(text) in words:
                return severity
        message = _('unknown severity "%(text)s": use low, moderate or high')
        problem("severity", message % {"text": text[:40]})
        return Concern.Severity.MODERATE


def _name_splits(cell):
    """(first, last) readings of the name cells: "Ana Maria Lopez" is tried as Ana + Maria
    Lopez and as Ana Maria + Lopez; "Lopez, Ana" as Ana + Lopez."""
    if cell("first_name") and cell("last_name"):
        yield cell("first_name"), cell("last_name")
    name = cell("student_name")
    if "," in name:
        last, first = name.split(",", 1)
        yield first, last
    words = name.split()
    for i in range(1, len(words)):
        yield " ".join(words[:i]), " ".join(words[i:])
