"""A teacher's worry about a student, as they wrote it. The team's work on it lives in the
support_team Intake it opened; the teacher only ever sees its status."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell import permissions
from schoolwell.actor import Who, as_actor
from schoolwell.models import Category

NARRATIVE_MAX = 5000


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "ConcernQuerySet":
        """A reporter's own concerns, and every concern at a school where the actor is on
        the team. Nobody else's: a teacher never sees another teacher's concern."""
        actor = as_actor(actor)
        if not actor.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(
                reporter_id=actor.pk, school_id__in=actor.school_ids(permissions.CONCERN_ROLES)
            )
            | models.Q(school_id__in=actor.school_ids(permissions.TEAM_ROLES))
        )


class ConcernImportQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "ConcernImportQuerySet":
        """The actor's own legacy imports, at schools where they may still import."""
        actor = as_actor(actor)
        return self.filter(
            started_by_id=actor.pk,
            school_id__in=actor.school_ids(permissions.LEGACY_IMPORT_ROLES),
        )


class Concern(models.Model):
    class Severity(models.TextChoices):
        LOW = "low", _("A little worried")
        MODERATE = "moderate", _("Worried")
        HIGH = "high", _("Very worried")

    school = models.ForeignKey("schoolwell.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.PROTECT, related_name="concerns"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
    )
    categories = models.ManyToManyField(Category, related_name="concerns")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    narrative = models.TextField(max_length=NARRATIVE_MAX)
    observed_on = models.DateField()
    observed_place = models.CharField(max_length=120, blank=True)
    immediate_risk = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    # A double submit carries the same key: the unique constraint makes it one concern.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)
    # Legacy spreadsheets: who reported it (a name, not an account) and where it came from.
    imported_from = models.CharField(max_length=255, blank=True)
    imported_reporter = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(m2m_fields=[categories])

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reporter", "-created_at"])]

    def __str__(self) -> str:
        return f"Concern #{self.pk}"

    @property
    def is_imported(self) -> bool:
        return bool(self.imported_from)


class Observation(models.Model):
    """Something the teacher noticed later, added to their own concern."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="observations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField(max_length=NARRATIVE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Observation on concern #{self.concern_id}"


class ConcernImport(models.Model):
    """One legacy spreadsheet import. The file is read once, at upload; the table read from
    it waits here (never on disk) between the preview and the confirmation, and is cleared
    once the import has run."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    class DateOrder(models.TextChoices):
        # the same values as concerns.legacy_import.dates.DAY_FIRST and MONTH_FIRST
        DAY_FIRST = "dmy", _("Day first (day/month/year)")
        MONTH_FIRST = "mdy", _("Month first (month/day/year)")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    school = models.ForeignKey("schoolwell.School", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    # SHA-256 of the uploaded bytes: the same file uploaded again is recognised by content,
    # whatever its name (an import before this was recorded has none).
    file_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # {"kind", "columns", "rows", "first_line"}: every row, for the checks and the import
    table = models.JSONField(default=dict, blank=True)
    # the same with only the first rows, so that the preview page never loads the table
    preview = models.JSONField(default=dict, blank=True)
    # {field: column header}, e.g. {"date": "Date of concern", "narrative": "Notes"}
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    row_count = models.PositiveIntegerField(default=0)
    # [{"line": 7, "column": "Date", "message": "..."}], line 1 being the header row
    problems = models.JSONField(default=list, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    # How the file's numeric dates are written, as the user chose it ("" not chosen: the
    # file's own dates decide it, when they can)
    date_order = models.CharField(max_length=3, choices=DateOrder.choices, blank=True)
    # What the file's numeric dates allow (legacy_import.dates.DateOrders.as_json), with
    # "order", the order they were read in, and "pending", the rows waiting for a choice
    dates = models.JSONField(default=dict, blank=True)
    # Rows that repeat a concern already recorded or a line above them:
    # [{"line": 7, "concern": 12, "same_as": None, "student": ..., "date": ..., ...}]
    duplicates = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ConcernImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
