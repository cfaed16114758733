"""Reaching one object: the accessor's common part. An app's accessor (`case_for`,
`concern_for`, ...) scopes its queryset with `visible_to(actor)` and calls `reach`, which
answers 404 outside the scope (so "not found" and "not yours" look the same), attaches what
this actor may do with the object (`obj.can`, the capability object templates read), and,
for a read, writes the access-log row: no view writes one by hand, and none can forget."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from schoolwell import audit
from schoolwell.actor import Who, as_actor
from schoolwell.models import Student

M = TypeVar("M", bound=Model)


def reach(
    queryset: QuerySet[M],
    pk: int,
    *,
    actor: Who,
    read: str | Callable[[M], str] = "",
    student: Callable[[M], Student | None] | None = None,
    can: Callable[[M], Any] | None = None,
    action: str = "view",
    only_if: Callable[[M], bool] | None = None,
) -> M:
    """The object `pk` of the actor's scope, or Http404. `read` names why it is being read
    (the access log's reason), or says it from the object and its capabilities (empty: not
    logged); a write leaves it empty, its service records the change.
    `student` says whose record it is (default: the object's `student`); `action` what the
    read was (a download); `only_if` a further condition on the object, checked before the
    read is logged (false: 404 as well, nothing logged)."""
    actor = as_actor(actor)
    obj = get_object_or_404(queryset, pk=pk)
    if can is not None:
        obj.can = can(obj)  # type: ignore[attr-defined]
    if only_if is not None and not only_if(obj):
        raise Http404
    reason = read(obj) if callable(read) else read
    if reason:
        whose = student(obj) if student else getattr(obj, "student", None)
        audit.access_log(user=actor.user, obj=obj, student=whose, action=action, reason=reason)
    return obj
