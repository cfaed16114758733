"""What the core keeps about the records themselves: who read them, what left the school,
roster imports, legal holds and retention purges."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell.models.people import District, Student, User


class AccessLog(models.Model):
    """One row per read of a student's record: who, when, what and why; never content. Who
    is a signed-in user, or, for a reader without an account (a partner opening a referral
    through its signed link), `actor` says who the access was given to."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    student = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    action = models.CharField(max_length=30, default="view")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(actor=""), name="access_log_names_who"
            )
        ]

    def __str__(self) -> str:
        who = self.user_id or self.actor
        return f"{who} {self.action} {self.object_type}:{self.object_id} at {self.at}"


class DisclosureQuerySet(models.QuerySet):
    def delete(self):
        if Student.objects.filter(disclosures__in=self).exists():
            raise models.ProtectedError(
                "Disclosures are kept while the student's record exists.", set(self)
            )
        return super().delete()


class Disclosure(models.Model):
    """A record of student information leaving the school: recipient, what and on what basis.
    It is protected: it cannot be deleted while the student's record exists (the retention
    purge removes it together with the student)."""

    # CASCADE: the retention purge of a student takes their disclosures with them; nothing
    # else may delete one (see delete() and DisclosureQuerySet).
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="disclosures")
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    recipient = models.CharField(max_length=200)
    contents = models.TextField(help_text=_("What was shared, as a list of sections"))
    basis = models.CharField(max_length=200, help_text=_("Legal basis, e.g. FERPA 99.31(a)(2)"))
    consent = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()
    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient} on {self.at:%Y-%m-%d}"

    def delete(self, *args, **kwargs):
        if Student.objects.filter(pk=self.student_id).exists():
            raise models.ProtectedError(
                "Disclosures are kept while the student's record exists.", {self}
            )
        return super().delete(*args, **kwargs)


class RosterImport(models.Model):
    """The record of one roster import: who ran it, what it changed, or why it was refused."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"


class LegalHold(models.Model):
    """A student's records must be kept (litigation, an investigation) whatever the
    retention period says. While a hold is not lifted, purge_expired skips the student."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=200)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"Legal hold on {self.student_id} ({self.reason})"


class PurgeRecord(models.Model):
    """What one retention purge removed, in counts only: the purge itself must not keep the
    personal data it deleted."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    ran_at = models.DateTimeField(auto_now_add=True)
    run_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    cutoff = models.DateField(help_text=_("Records of students who left before this were due"))
    students = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0, help_text=_("Due, but under a legal hold"))
    rows = models.JSONField(default=dict, help_text=_("Rows deleted, by model"))

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"Purge of {self.students} students on {self.ran_at:%Y-%m-%d}"
