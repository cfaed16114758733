"""Closed-loop referrals: a team member refers a student on a case to a community resource
with recorded consent; the partner answers and reports the outcome (findhelp's statuses)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community_links.models.scopes import ReferralQuerySet


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        NEEDS_CLIENT_ACTION = "needs_client_action", _("Needs client action")
        ACCEPTED = "accepted", _("Accepted (pending)")
        GOT_HELP = "got_help", _("Got help")
        REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
        COULDNT_CONTACT = "couldnt_contact", _("Couldn't contact")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        NO_CAPACITY = "no_capacity", _("No capacity")
        COULDNT_GET_HELP = "couldnt_get_help", _("Couldn't get help")
        NO_LONGER_INTERESTED = "no_longer_interested", _("No longer interested")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class ConsentBy(models.TextChoices):
        FAMILY = "family", _("The family (parent or guardian)")
        STUDENT = "student", _("The student (old enough to consent alone)")

    school = models.ForeignKey("schoolwell.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.PROTECT, related_name="referrals"
    )
    case = models.ForeignKey(
        "support_team.Case", on_delete=models.PROTECT, related_name="referrals"
    )
    resource = models.ForeignKey(
        "community_links.Resource", on_delete=models.PROTECT, related_name="referrals"
    )
    need = models.ForeignKey(
        "schoolwell.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    responded_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The partner's first answer")
    )
    # Consent: who gave it, when, and what the partner may see.
    consent_by = models.CharField(max_length=10, choices=ConsentBy.choices)
    consent_name = models.CharField(
        _("who consented"), max_length=200, help_text=_("The person who gave consent")
    )
    consent_at = models.DateTimeField()
    share_name = models.BooleanField(_("the student's name"), default=True)
    share_contact = models.BooleanField(_("how to contact the family"), default=False)
    share_need = models.BooleanField(_("the need"), default=True)
    # Off unless ticked: a note is the team's until its author chooses to share it.
    share_note = models.BooleanField(_("the note to the partner"), default=False)
    contact_route = models.CharField(
        _("contact route"),
        max_length=200,
        blank=True,
        help_text=_("How the partner reaches the family, e.g. 'call mother on 555-0101'"),
    )
    contacts_family = models.BooleanField(_("the partner will contact the family"), default=False)
    note = models.TextField(_("note to the partner"), blank=True)
    # Clocks (set by the periodic job; the selectors also compute them at read time).
    flagged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # A signed link for partners without an account is valid only while this matches.
    link_nonce = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-sent_at"]),
            models.Index(fields=["resource", "status"]),
            models.Index(fields=["status", "responded_at", "sent_at"]),
            models.Index(fields=["school", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"

    OPEN_STATUSES = frozenset({"sent", "needs_client_action", "accepted"})
    CLOSED_STATUSES = frozenset(
        {
            "got_help",
            "referred_elsewhere",
            "couldnt_contact",
            "not_eligible",
            "no_capacity",
            "couldnt_get_help",
            "no_longer_interested",
            "withdrawn",
        }
    )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ReferralUpdate(models.Model):
    """One step of a referral's loop: who moved it to which status, with their note. The
    case panel shows every step; the partner (portal and signed link) sees every step but
    reads a note only when `shared`: a team member's note is private to the team unless its
    author ticked "share with the partner"; a partner's own notes are always shared."""

    class Via(models.TextChoices):
        TEAM = "team", _("School team")
        PORTAL = "portal", _("Partner portal")
        LINK = "link", _("Partner link")
        SYSTEM = "system", _("SchoolWell")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=30, choices=Referral.Status.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(
        max_length=200, help_text=_("Who made it, as shown (kept if the account goes)")
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    shared = models.BooleanField(
        _("shared with the partner"),
        default=False,
        help_text=_("Whether the partner organisation reads this note"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} on referral {self.referral_id}"
