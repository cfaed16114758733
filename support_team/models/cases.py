"""Cases: the work the team does with one student at one school after triage. A case has a
lead, members from several disciplines, a tier, needs, a plan (goals with interventions),
notes at three confidentiality levels, meetings and follow-ups. Who may read which note is
decided in schoolwell.permissions, by the note's level."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell import permissions
from schoolwell.actor import Who
from schoolwell.models import NoteLevel


class CaseQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "CaseQuerySet":
        """Cases at the schools where the actor is on the team (any member of the school's
        team may open the case; what they read inside it depends on note levels)."""
        return self.filter(school_id__in=permissions.school_ids(actor, permissions.TEAM_ROLES))


class InterventionQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "InterventionQuerySet":
        """Interventions of the cases the actor may open."""
        schools = permissions.school_ids(actor, permissions.TEAM_ROLES)
        return self.filter(goal__case__school_id__in=schools)


class NoteQuerySet(models.QuerySet):
    def visible_to(self, actor: Who, case: "Case") -> "NoteQuerySet":
        """The case's notes this actor may read: their levels, and what they wrote."""
        return self.filter(
            Q(level__in=permissions.note_levels(actor, case)) | Q(author_id=actor.pk)
        )


class Case(models.Model):
    class Tier(models.IntegerChoices):
        UNIVERSAL = 1, _("Tier 1: universal")
        TARGETED = 2, _("Tier 2: targeted")
        INTENSIVE = 3, _("Tier 3: intensive")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey("schoolwell.School", on_delete=models.PROTECT, related_name="cases")
    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.PROTECT, related_name="cases"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_led"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseMember",
        through_fields=("case", "user"),
        related_name="cases",
        blank=True,
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.UNIVERSAL)
    needs = models.ManyToManyField("schoolwell.Category", related_name="+", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_summary = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[needs])

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school"],
                condition=Q(status="open"),
                name="one_open_case_per_student_and_school",
            )
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["lead", "status"]),
        ]

    def __str__(self) -> str:
        return f"Case #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseMember(models.Model):
    """A team member working on the case (the lead is one too)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on case {self.case_id}"


class Goal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        MET = "met", _("Met")
        PARTLY_MET = "partly_met", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        DROPPED = "dropped", _("No longer relevant")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description


class Intervention(models.Model):
    class Kind(models.TextChoices):
        COUNSELING = "counseling", _("Counseling sessions")
        GROUP = "group", _("Small group")
        CHECK_IN = "check_in", _("Check-in / check-out")
        MENTORING = "mentoring", _("Mentoring")
        TUTORING = "tutoring", _("Tutoring")
        ATTENDANCE = "attendance", _("Attendance plan")
        BEHAVIOUR = "behaviour", _("Behaviour support plan")
        HEALTH = "health", _("Health plan")
        FAMILY = "family", _("Family work")
        BASIC_NEEDS = "basic_needs", _("Food, clothing or housing help")
        COMMUNITY = "community", _("Community service")
        OTHER = "other", _("Other")

    class Frequency(models.TextChoices):
        ONCE = "once", _("Once")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")
        AS_NEEDED = "as_needed", _("As needed")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interventions"
    )
    start_date = models.DateField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    review_date = models.DateField(help_text=_("When it is due, or next reviewed"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    outcome_notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["owner", "status", "review_date"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class Note(models.Model):
    """A case note. Notes are never edited or deleted by the team: a correction is a new note
    (history still keeps every change an administrator makes)."""

    Level = NoteLevel

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_notes",
        help_text=_("Set when the note records progress on a goal"),
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.TEAM)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    history = HistoricalRecords()

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["case", "level", "-written_at"])]

    def __str__(self) -> str:
        return f"Note #{self.pk} ({self.level})"


WITHHELD = {
    Note.Level.HEALTH: _("A health-only note, not shown at your level."),
    Note.Level.LEAD: _("A lead-only note, not shown at your level."),
}


def withheld_label(level: object) -> str:
    """What a reader below a note's level sees in its place, on every surface (who is below
    it is schoolwell.permissions' call). An unknown level is named as a case note."""
    return str(WITHHELD.get(level, _("A case note, not shown at your level.")))


class Meeting(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    other_attendees = models.CharField(
        max_length=300, blank=True, help_text=_("Family members, partners, the student")
    )
    summary = models.TextField()
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Meeting on {self.held_on:%Y-%m-%d}"


class FollowUp(models.Model):
    """Something someone must do by a date: from a meeting's actions or added on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
