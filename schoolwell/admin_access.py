"""Reads of student records in the Django admin write access-log rows, like every other
staff read (QUALITY.md 13). Every ModelAdmin of a model that holds or points to a student's
record uses AccessLoggedAdmin; tests/schoolwell/test_admin_access_log.py fails for one that
does not.

What counts as a read, and what it writes (who, when, which record, which student; never
content):
- a change (or view-only) page, and the add page re-shown with a record: one row, "view";
- the list: one row per record on the page shown, "list". A row naming only the search
  would not answer the question an audit asks, "who has looked at this student?": which
  students a search or page showed cannot be worked out later, as records change;
- the history list and a historical version (django-simple-history) or Django's own
  history: one row, "history";
- the delete confirmation, which lists the records: one row each, "view".
The admin's autocomplete endpoint would hand out 20 student names per request without a
list page: for these models it answers 404 (the admin uses raw-id pickers instead, which
open the logged list)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model

from schoolwell import audit
from schoolwell.models import Guardian, Student

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.http import HttpRequest

REASON = "admin"


def student_ids(objs: Iterable[Model]) -> list[tuple[Model, int | None]]:
    """(record, student id) for each record: the student it is, or is about. A guardian is
    about each of their students (one row per link), or none yet."""
    objs = list(objs)
    guardians = [o.pk for o in objs if isinstance(o, Guardian)]
    links: dict[int, list[int]] = {}
    if guardians:
        through = Guardian.students.through.objects.filter(guardian_id__in=guardians)
        for guardian_id, student_id in through.values_list("guardian_id", "student_id"):
            links.setdefault(guardian_id, []).append(student_id)
    reads: list[tuple[Model, int | None]] = []
    for obj in objs:
        if isinstance(obj, Student):
            reads.append((obj, obj.pk))
        elif isinstance(obj, Guardian):
            reads.extend((obj, s) for s in links.get(obj.pk) or [None])
        else:
            reads.append((obj, getattr(obj, "student_id", None)))
    return reads


class AccessLoggedAdmin:
    """Mix in before ModelAdmin / SimpleHistoryAdmin."""

    def _log(self, request: HttpRequest, objs: Iterable[Model], action: str) -> None:
        reads = student_ids(objs)
        if reads and request.user.is_authenticated:
            audit.access_log_many(user=request.user, reads=reads, action=action, reason=REASON)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            # Evaluates the page's queryset once; the template then reads the same rows.
            self._log(request, changelist.result_list, "list")
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            self._log(request, [obj], "view")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        """Django's own history page (a TemplateResponse). django-simple-history's renders
        through render_history_view below instead, so nothing is logged twice."""
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if response.status_code == 200 and isinstance(obj, Model):
            self._log(request, [obj], "history")
        return response

    def render_history_view(self, request, template, context, **kwargs):
        obj = context.get("original") or context.get("object")
        if isinstance(obj, Model):
            self._log(request, [obj], "history")
        return super().render_history_view(request, template, context, **kwargs)

    def get_deleted_objects(self, objs, request):
        self._log(request, objs, "view")
        return super().get_deleted_objects(objs, request)

    def get_search_fields(self, request):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            return ()
        return super().get_search_fields(request)
