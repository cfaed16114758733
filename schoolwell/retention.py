"""Retention: a student's records are kept while they are enrolled and for the district's
retention period after they leave, then deleted together with their history rows, unless a
legal hold says otherwise. Each app knows its own records: `<app>/retention.py` provides
`purge_students(student_ids) -> {model label: rows}` (and may provide `purge_stale`), and
this module finds them by name and runs them in an order that respects the relations between
the apps' models (the apps that point at others go first)."""

import datetime
from importlib import import_module

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from schoolwell.models import (
    AccessLog,
    District,
    Enrollment,
    Guardian,
    LegalHold,
    PurgeRecord,
    Student,
    User,
)

CHUNK = 500
BLOCKING = (models.PROTECT, models.CASCADE, models.RESTRICT)


def cutoff_for(district: District, today: datetime.date) -> datetime.date:
    """Students whose last enrollment ended before this date are past retention."""
    try:
        return today.replace(year=today.year - district.retention_years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - district.retention_years, day=28)


def due_students(*, district: District, today: datetime.date) -> QuerySet[Student]:
    """Students of the district with no open enrollment whose last one ended before the
    cutoff. A student with no enrollment at all is never due: nothing says when they left."""
    open_enrollment = Enrollment.objects.filter(student=OuterRef("pk"), end_date__isnull=True)
    return (
        Student.objects.filter(district=district)
        .exclude(Exists(open_enrollment))
        .annotate(left_on=Max("enrollments__end_date"))
        .filter(left_on__lt=cutoff_for(district, today))
    )


def held(students: QuerySet[Student]) -> QuerySet[Student]:
    active_hold = LegalHold.objects.filter(student=OuterRef("pk"), lifted_at__isnull=True)
    return students.filter(Exists(active_hold))


def delete_with_history(queryset: QuerySet) -> int:
    """Delete the rows and every history row of them (simple-history writes a "deleted" row
    on delete, so history goes after the rows). Returns the rows deleted, history excluded."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    history = getattr(model, "history", None)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        model._base_manager.filter(pk__in=chunk).delete()
        if history is not None:
            history.model.objects.filter(**{f"{model._meta.pk.attname}__in": chunk}).delete()
    return len(ids)


def _app_modules() -> list:
    """Each installed app's retention module, an app whose records point at another's
    (PROTECT or CASCADE: the purge would stop, or delete rows and leave their history)
    before that app; otherwise in INSTALLED_APPS order. The core goes last, on its own."""
    configs = [
        config
        for config in apps.get_app_configs()
        if config.name != __package__ and module_has_submodule(config.module, "retention")
    ]
    first: dict[str, set[str]] = {config.label: set() for config in configs}
    for config in configs:
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one):
                    continue
                label = field.related_model._meta.app_label
                if (
                    label in first
                    and label != config.label
                    and field.remote_field.on_delete in BLOCKING
                ):
                    first[label].add(config.label)
    order: list[AppConfig] = []
    while len(order) < len(configs):
        done = {config.label for config in order}
        ready = [c for c in configs if c not in order and first[c.label] <= done]
        if not ready:
            raise ImproperlyConfigured(f"no purge order: records point both ways in {first}")
        order.append(ready[0])
    return [import_module(f"{config.name}.retention") for config in order]


def _purge_core(student_ids: list[int]) -> dict[str, int]:
    rows: dict[str, int] = {}
    orphan_guardians = Guardian.objects.filter(students__in=student_ids).exclude(
        Exists(
            Guardian.students.through.objects.filter(guardian=OuterRef("pk")).exclude(
                student_id__in=student_ids
            )
        )
    )
    rows["schoolwell.Guardian"] = delete_with_history(orphan_guardians.distinct())
    # The access log keeps who read what and when; it loses the link to the person.
    AccessLog.objects.filter(student_id__in=student_ids).update(student=None)
    rows["schoolwell.Enrollment"] = delete_with_history(
        Enrollment.objects.filter(student_id__in=student_ids)
    )
    accounts = User.objects.filter(student__in=student_ids)
    account_ids = list(accounts.values_list("pk", flat=True))
    rows["schoolwell.Student"] = delete_with_history(Student.objects.filter(pk__in=student_ids))
    rows["schoolwell.User"] = delete_with_history(
        User.objects.filter(pk__in=account_ids, is_staff=False, is_superuser=False)
    )
    return rows


@transaction.atomic
def purge_district(
    *, district: District, today: datetime.date | None = None, run_by: User | None = None
) -> PurgeRecord:
    """Delete every record of the district's students past retention, except those under a
    legal hold, and write a PurgeRecord of the counts. All or nothing."""
    today = today or timezone.localdate()
    due = due_students(district=district, today=today)
    on_hold = set(held(due).values_list("pk", flat=True))
    student_ids = [pk for pk in due.values_list("pk", flat=True) if pk not in on_hold]
    rows: dict[str, int] = {}
    for module in _app_modules():
        if student_ids:
            rows.update(module.purge_students(student_ids))
        if hasattr(module, "purge_stale"):
            rows.update(module.purge_stale(district_id=district.pk, now=timezone.now()))
    if student_ids:
        rows.update(_purge_core(student_ids))
    return PurgeRecord.objects.create(
        district=district,
        run_by=run_by,
        cutoff=cutoff_for(district, today),
        students=len(student_ids),
        held=len(on_hold),
        rows={label: count for label, count in rows.items() if count},
    )


def purge_all(*, today: datetime.date | None = None, run_by: User | None = None) -> list:
    return [
        purge_district(district=district, today=today, run_by=run_by)
        for district in District.objects.all()
    ]


def delete_in_order(querysets: list[QuerySet]) -> dict[str, int]:
    """Delete several models' rows (children before parents, so each model's own history
    rows are found and deleted too), counted by model label."""
    return {qs.model._meta.label: delete_with_history(qs) for qs in querysets}
