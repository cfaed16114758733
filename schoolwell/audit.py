"""The access log and the disclosure register. Rows say who, when and what, never content."""

from collections.abc import Iterable

from django.db.models import Model

from schoolwell.models import AccessLog, Disclosure, Student, User


def access_log(
    *,
    user: User | None,
    obj: Model,
    student: Student | None = None,
    action: str = "view",
    reason: str = "",
    actor: str = "",
) -> AccessLog:
    """Record one read of a student's record (or a thing about a student). Who is `user`,
    or, for a reader with no account, `actor` (a constraint requires one of them)."""
    if student is None and isinstance(obj, Student):
        student = obj
    return AccessLog.objects.create(
        user=user,
        actor=actor[:200],
        student=student,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action=action,
        reason=reason[:200],
    )


def access_log_many(
    *, user: User, reads: Iterable[tuple[Model, int | None]], action: str, reason: str
) -> list[AccessLog]:
    """One row per (record, student id) read at once, e.g. a list page: one INSERT."""
    return AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            student_id=student_id,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            action=action,
            reason=reason[:200],
        )
        for obj, student_id in reads
    )


def disclosure_record(
    *,
    student: Student,
    made_by: User,
    recipient: str,
    contents: list[str],
    basis: str,
    consent: str = "",
) -> Disclosure:
    """Record student information leaving the school. The row is protected from deletion."""
    disclosure = Disclosure(
        student=student,
        made_by=made_by,
        recipient=recipient,
        contents="\n".join(contents),
        basis=basis,
        consent=consent,
    )
    disclosure.full_clean()
    disclosure.save()
    return disclosure
