"""Who the students are, where they are enrolled, and who signs in."""

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
    # The district's switch, beside the roster's (is_active): an account a roster import
    # makes starts off until the district turns it on, by role or one by one
    # (schoolwell/signin_switch.py). Both must be on to sign in (schoolwell/auth.py).
    sign_in_enabled = models.BooleanField(_("sign-in switched on"), default=True)
    # What the roster calls this person ({"username", "identifier", "userMasterIdentifier"}),
    # so single sign-on can match them by the identifier their district chooses.
    roster_ids = models.JSONField(default=dict, blank=True)
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
    # Roles whose roster-made accounts are switched on as they arrive (Role values).
    sign_in_roles = models.JSONField(default=list, blank=True)
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
