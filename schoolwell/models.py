"""The core records every app builds on: who the students are, where they are enrolled, who
works where and in which role. Access to them is decided in schoolwell.permissions."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in. Everything they may do comes from their memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.get_full_name() or self.email


def default_country() -> str:
    return settings.SCHOOLWELL_DEFAULT_COUNTRY


class District(models.Model):
    sourced_id = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=200)
    # Sets how the district's pages speak of places: miles and "ZIP code" in the US, km and
    # "postcode" elsewhere (community_links/units.py).
    country = models.CharField(
        _("country"),
        max_length=2,
        default=default_country,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. US or GB."))],
        help_text=_("ISO 3166-1 code, e.g. US"),
    )
    retention_years = models.PositiveSmallIntegerField(default=7)
    suppression_threshold = models.PositiveSmallIntegerField(default=10)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(suppression_threshold__gte=5), name="district_suppression_min_5"
            )
        ]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Level(models.TextChoices):
        ELEMENTARY = "elementary", _("Elementary")
        MIDDLE = "middle", _("Middle")
        HIGH = "high", _("High")
        OTHER = "other", _("Other")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    sourced_id = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=200)
    identifier = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.OTHER)
    safeguarding_phone = models.CharField(max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="students")
    sourced_id = models.CharField(max_length=255, unique=True)
    sis_id = models.CharField(_("SIS id"), max_length=100)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="student"
    )
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    grade = models.CharField(max_length=4, blank=True, help_text=_("CEDS grade: PK, KG, 01-13"))
    home_language = models.CharField(max_length=40, blank=True)
    mckinney_vento = models.BooleanField(_("McKinney-Vento (homeless)"), default=False)
    foster_care = models.BooleanField(default=False)
    english_learner = models.BooleanField(default=False)
    iep = models.BooleanField(_("IEP"), default=False)
    section_504 = models.BooleanField(_("504 plan"), default=False)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sis_id"], name="student_sis_id_per_district"
            )
        ]
        indexes = [models.Index(fields=["legal_last_name", "legal_first_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.legal_first_name} {self.legal_last_name}"


class Enrollment(models.Model):
    """A student at a school over time: the history a transfer packet will need."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school"],
                condition=Q(end_date__isnull=True),
                name="one_open_enrollment_per_school",
            )
        ]
        indexes = [models.Index(fields=["school", "end_date"])]

    def __str__(self) -> str:
        return f"{self.student} at {self.school}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Guardian(models.Model):
    sourced_id = models.CharField(max_length=255, unique=True)
    students = models.ManyToManyField(Student, related_name="guardians", blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    relationship = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    do_not_contact = models.BooleanField(default=False)
    history = HistoricalRecords(m2m_fields=[students])

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Holiday(models.Model):
    """A day a school (or every school of a district) is closed: it does not count towards
    the school-day clocks (intake targets, transfer deadlines, referral follow-ups)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="holidays")
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="holidays",
        help_text=_("Leave empty for a day every school of the district is closed"),
    )
    date = models.DateField()
    name = models.CharField(max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "school", "date"], name="holiday_once_per_day"
            ),
            models.UniqueConstraint(
                fields=["district", "date"],
                condition=Q(school__isnull=True),
                name="district_holiday_once_per_day",
            ),
        ]
        indexes = [models.Index(fields=["district", "date"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    SUPPORT = "support", _("Support team member")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    DISTRICT_ANALYST = "district_analyst", _("District analyst")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    PARTNER = "partner", _("Community partner")


class Discipline(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    COUNSELOR = "counselor", _("Counselor")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    NURSE = "nurse", _("Nurse")
    ADMINISTRATOR = "administrator", _("Administrator")


SCHOOL_ROLES = {Role.STUDENT, Role.TEACHER, Role.SUPPORT, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN}
DISTRICT_ROLES = {Role.DISTRICT_ANALYST, Role.DISTRICT_ADMIN, Role.PARTNER}


class Membership(models.Model):
    """A user's role at one school (school roles) or one district (district roles)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    discipline = models.CharField(max_length=30, choices=Discipline.choices, blank=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    sourced_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(SCHOOL_ROLES), school__isnull=False, district__isnull=True)
                    | Q(
                        role__in=sorted(DISTRICT_ROLES), school__isnull=True, district__isnull=False
                    )
                ),
                name="membership_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(role="support") | Q(discipline=""),
                name="membership_discipline_only_for_support",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(district__isnull=False),
                name="membership_unique_district_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school or self.district}"


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


# The trends API keys live with the trends package; importing them registers the model.
from schoolwell.trends.models import (  # noqa: E402, F401
    ConcernMonth,
    IntakeMonth,
    RequestMonth,
    TrendsRollup,
    TrendsToken,
    WaitMonth,
    WaitPercentile,
)
