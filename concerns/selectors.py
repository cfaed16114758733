"""Reads of concerns, always for an acting user and from a scoped queryset."""

from django.db.models import Q, QuerySet

from concerns.models import Concern
from schoolwell import permissions
from schoolwell.models import Category, Student, User
from support_team import selectors as hub_selectors

SEARCH_LIMIT = 10
# No name or SIS id is longer; a longer word is a paste or an attack, and SQLite refuses a
# LIKE pattern over 50,000 bytes (OperationalError, a 500).
SEARCH_WORD_MAX = 100


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


def student_search(*, user: User, query: str) -> list[Student]:
    """Students at the reporter's school whose name or SIS id contains the query."""
    query = query.strip()
    if len(query) < 2:
        return []
    students = permissions.concern_students_for(user)
    for word in query.split()[:3]:
        word = word[:SEARCH_WORD_MAX]
        if word.isascii() and word.isdigit():  # an id fragment: no need to scan the names
            students = students.filter(sis_id__contains=word)
            continue
        students = students.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(sis_id__icontains=word)
        )
    return list(students.order_by("legal_last_name", "legal_first_name")[:SEARCH_LIMIT])


def my_concerns(*, user: User) -> list[Concern]:
    """The reporter's own concerns with their status trail ("received", "being looked at",
    then what became of it, each with its date), in a fixed number of queries."""
    concerns = list(
        Concern.objects.visible_to(user)
        .filter(reporter=user)
        .select_related("student")
        .prefetch_related("categories")
        .order_by("-created_at")[:200]
    )
    trails = hub_selectors.reporter_status_trails(
        source="concern", source_ids=[str(c.pk) for c in concerns]
    )
    for concern in concerns:
        concern.status_trail = trails.get(str(concern.pk), [])
        concern.status_label = concern.status_trail[-1][0] if concern.status_trail else ""
    return concerns


def status_trail(concern: Concern) -> list[tuple[str, object]]:
    trails = hub_selectors.reporter_status_trails(source="concern", source_ids=[str(concern.pk)])
    return trails.get(str(concern.pk), [])
