"""The access log and the disclosure register. Rows say who, when and what, never content."""

from django.db.models import Model

from schoolwell.models import AccessLog, Disclosure, Student, User


def access_log(
    *,
    user: User,
    obj: Model,
    student: Student | None = None,
    action: str = "view",
    reason: str = "",
) -> AccessLog:
    """Record one staff read of a student's record (or a thing about a student)."""
    if student is None and isinstance(obj, Student):
        student = obj
    return AccessLog.objects.create(
        user=user,
        student=student,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action=action,
        reason=reason[:200],
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
