"""Which rows of a spreadsheet are already recorded: the same spreadsheet imported twice must
not put every concern in a student's chronology twice.

A row is the same concern as another when it has the same student, the same date, the same
categories (as a set: "Health; Housing" is "Housing, Health") and the same text once
whitespace and letter case are set aside (a re-saved spreadsheet may re-wrap a cell or change
its case). It is compared with the concerns of the importing school (whether typed in
SchoolWell or imported before) and with the rows above it in the same file. The reporter and
the severity are not part of the key: a re-typed name or a changed level does not make a
new concern. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.text import Truncator

from concerns.models import Concern
from schoolwell.models import School, Student

# Students per query: under SQLite's bound on query parameters, with room to spare.
CHUNK = 500

Key = tuple[int, date, frozenset[int], str]


@dataclass(frozen=True)
class Duplicate:
    line: int
    concern: int | None  # the concern already recorded that this row repeats
    same_as: int | None  # or the line above, in the same file, that this row repeats

    def as_dict(self) -> dict:
        return {"line": self.line, "concern": self.concern, "same_as": self.same_as}


def text_key(narrative: str) -> str:
    return " ".join(narrative.split()).casefold()


def row_key(row) -> Key:
    """A checked row's key (rows.Row: student_id, on, categories, narrative)."""
    return (
        row.student_id,
        row.on,
        frozenset(category.pk for category in row.categories),
        text_key(row.narrative),
    )


def find_duplicates(rows: list, school: School) -> list[Duplicate]:
    """The rows, in file order, that repeat a recorded concern or an earlier row."""
    recorded = recorded_keys(school, {row.student_id for row in rows}, {row.on for row in rows})
    seen: dict[Key, int] = {}
    found = []
    for row in rows:
        key = row_key(row)
        if key in recorded:
            found.append(Duplicate(row.line, recorded[key], None))
        elif key in seen:
            found.append(Duplicate(row.line, None, seen[key]))
        else:
            seen[key] = row.line
    return found


def recorded_keys(school: School, students: set[int], dates: set[date]) -> dict[Key, int]:
    """{key: concern id} for the school's concerns about these students on these dates,
    read a chunk of students at a time: two queries a chunk, whatever the file's size."""
    keys: dict[Key, int] = {}
    if not students:
        return keys
    through = Concern.categories.through
    for chunk in _chunks(sorted(students)):
        concerns = Concern.objects.filter(
            school=school, student_id__in=chunk, observed_on__gte=min(dates),
            observed_on__lte=max(dates),
        ).values_list("pk", "student_id", "observed_on", "narrative")  # fmt: skip
        found = {pk: (student, on, text) for pk, student, on, text in concerns if on in dates}
        categories: dict[int, set[int]] = {pk: set() for pk in found}
        links = through.objects.filter(
            concern__school=school, concern__student_id__in=chunk,
            concern__observed_on__gte=min(dates), concern__observed_on__lte=max(dates),
        ).values_list("concern_id", "category_id")  # fmt: skip
        for concern, category in links:
            if concern in categories:
                categories[concern].add(category)
        for pk, (student, on, text) in sorted(found.items()):
            keys.setdefault((student, on, frozenset(categories[pk]), text_key(text)), pk)
    return keys


def _chunks(items: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def described(rows: list, duplicates: list[Duplicate]) -> list[dict]:
    """The duplicates as the preview lists them: each with the row's student, date,
    categories and the start of its text (what the importer's own file says; nothing of the
    recorded concern is shown but that it exists)."""
    by_line = {row.line: row for row in rows}
    students = Student.objects.in_bulk({by_line[d.line].student_id for d in duplicates})
    return [
        {
            **duplicate.as_dict(),
            "student": students[row.student_id].display_name,
            "date": row.on.isoformat(),
            "categories": ", ".join(category.name for category in row.categories),
            "text": Truncator(" ".join(row.narrative.split())).chars(120),
        }
        for duplicate in duplicates
        for row in [by_line[duplicate.line]]
    ]
