"""Who works where, in which role: memberships, and the roles and disciplines they name."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell.models.people import District, School, User


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


class NoteLevel(models.TextChoices):
    """How far a case note's body reaches (the core decides who reads which level:
    schoolwell.permissions.note_levels_at)."""

    TEAM = "team", _("Team: everyone on the school's support team")
    HEALTH = "health", _("Health only: nurse, psychologist, counselor")
    LEAD = "lead", _("Lead only: the case lead and the safeguarding lead")


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
