"""The hub: every piece of work about a student enters here as an Intake."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell import permissions
from schoolwell.actor import Who


class CloseReason(models.TextChoices):
    NO_FURTHER_ACTION = "no_action", _("No further action needed")
    HANDLED = "handled", _("Handled already (teacher, family or school)")
    ALREADY_KNOWN = "already_known", _("Already known: part of existing work")
    DUPLICATE = "duplicate", _("Duplicate of another item")
    ROUTED = "routed", _("Routed to a school service")
    CASE = "case", _("Taken into a case")
    REFERRED_OUT = "referred_out", _("Referred outside the school")
    LEFT_SCHOOL = "left_school", _("Student has left the school")
    OTHER = "other", _("Other (see note)")


class IntakeQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "IntakeQuerySet":
        """Intakes at the schools where the actor is on the support team."""
        return self.filter(school_id__in=permissions.school_ids(actor, permissions.TEAM_ROLES))


class Intake(models.Model):
    """One item in a school's queue: a concern, a self-report request, an incoming transfer
    packet or a team member's own note."""

    class Source(models.TextChoices):
        CONCERN = "concern", _("Teacher concern")
        SELF_REPORT = "self_report", _("Student request")
        TRANSFER = "transfer", _("Transfer packet")
        STAFF_NOTE = "staff_note", _("Team member note")

    class Urgency(models.IntegerChoices):
        # Stored as a rank so the queue sorts urgent first in SQL.
        URGENT = 0, _("Urgent")
        HIGH = 1, _("High")
        NORMAL = 2, _("Normal")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CLAIMED = "claimed", _("Claimed")
        TRIAGED = "triaged", _("Triaged")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey(
        "schoolwell.School", on_delete=models.PROTECT, related_name="intakes"
    )
    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.PROTECT, related_name="intakes"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.CharField(
        max_length=40, blank=True, help_text=_("Id of the record this came from, in its app")
    )
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    summary = models.CharField(
        max_length=200, help_text=_("One line for the queue; the detail stays in its record")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(db_index=True)
    target_at = models.DateTimeField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What triage decided. Set by the triage services, never by hand.
    triaged_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a decision was first made (time to triage)")
    )
    case = models.ForeignKey(
        "support_team.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intakes",
    )
    routed_service = models.ForeignKey(
        "schoolwell.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The school service this was routed to"),
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An urgent intake nobody claimed in time goes to the school admin, once.
    admin_alerted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    closed_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # When it was last saved: a queue screen coming back after a lost connection re-reads only
    # the rows changed since its last read (selectors.queue_changes).
    changed_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["urgency", "target_at"]
        indexes = [
            models.Index(fields=["school", "status", "urgency", "target_at"]),
            models.Index(fields=["school", "changed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="intake_one_per_source_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"


class TimelineEntry(models.Model):
    """One line of a student's chronology: what happened, when, by whom, and where the record
    is. The record itself stays in its app; the entry carries no narrative."""

    class Source(models.TextChoices):
        CONCERN = "concern", _("Concern")
        OBSERVATION = "observation", _("Later observation")
        SELF_REPORT = "self_report", _("Student request")
        INTAKE = "intake", _("Triage")
        CASE = "case", _("Case")
        REFERRAL = "referral", _("Referral")
        TRANSFER = "transfer", _("Transfer packet")

    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.CASCADE, related_name="timeline"
    )
    school = models.ForeignKey("schoolwell.School", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices)
    title = models.CharField(max_length=200)
    # ",attendance,bullying," so one LIKE filters by category on every database.
    categories = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "school", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} on {self.at:%Y-%m-%d}"

    @property
    def category_slugs(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class StatusSeen(models.Model):
    """When a person who raised items (a teacher, later a student) last looked at their
    statuses, so the header can say how many changed since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} saw statuses at {self.seen_at}"
