"""Transfer packets: what is known about a student, drafted from the record when they leave,
reviewed and redacted by the team, approved by the safeguarding lead, and then delivered to
the next school of the district (as an intake in its queue) or exported to another district
as a signed, encrypted file. The keys that sign and encrypt those files live here too."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell import permissions
from schoolwell.actor import Who


class DistrictKeyPair(models.Model):
    """Our district's keys: Ed25519 to sign packets, X25519 to receive them. The private
    halves are stored encrypted with a key derived from settings.TRANSFER_KEY_SECRET, so a
    copy of the database alone does not reveal them. Only one pair per district is active."""

    district = models.ForeignKey(
        "schoolwell.District", on_delete=models.PROTECT, related_name="transfer_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    signing_public = models.CharField(max_length=64, help_text=_("Ed25519, base64"))
    signing_private_encrypted = models.TextField(editable=False)
    encryption_public = models.CharField(max_length=64, help_text=_("X25519, base64"))
    encryption_private_encrypted = models.TextField(editable=False)
    history = HistoricalRecords(
        excluded_fields=["signing_private_encrypted", "encryption_private_encrypted"]
    )

    class Meta:
        verbose_name = _("district key pair")
        constraints = [
            models.UniqueConstraint(
                fields=["district"], condition=Q(active=True), name="one_active_key_per_district"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} keys ({'active' if self.active else 'retired'})"


class PeerDistrict(models.Model):
    """Another district we exchange packets with, as known to one of ours: its signing key
    (to verify what it sends) and, once it has given us one, its encryption key (to encrypt
    what we send; without it a one-time passphrase is used)."""

    district = models.ForeignKey(
        "schoolwell.District",
        on_delete=models.CASCADE,
        related_name="transfer_peers",
        help_text=_("Our district, which trusts these keys"),
    )
    identifier = models.CharField(
        max_length=255, help_text=_("The other district's id, as it writes it in its files")
    )
    name = models.CharField(max_length=200)
    signing_public = models.CharField(max_length=64, help_text=_("Ed25519, base64"))
    encryption_public = models.CharField(
        max_length=64, blank=True, help_text=_("X25519, base64; empty: passphrase mode")
    )
    contact_email = models.EmailField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "identifier"], name="peer_once_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TransferPacketQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "TransferPacketQuerySet":
        """The sending school's team sees the packets it builds; the receiving school's team
        sees a packet once it has been delivered to them. Nobody else (404 either way)."""
        ids = permissions.school_ids(actor, permissions.TEAM_ROLES)
        return self.filter(
            Q(from_school_id__in=ids)
            | Q(to_school_id__in=ids, delivered_at__isnull=False)
            # An imported packet waiting for confirmation belongs to the school importing it.
            | Q(to_school_id__in=ids, status=TransferPacket.Status.HELD)
        )


class TransferPacket(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")
        VIEWED = "viewed", _("Viewed")
        ACCEPTED = "accepted", _("Accepted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        HELD = "held", _("Imported, waiting for confirmation")

    class Direction(models.TextChoices):
        WITHIN_DISTRICT = "within", _("Within the district")
        OUTGOING = "outgoing", _("To another district")
        INCOMING = "incoming", _("From another district")

    class NoteLevel(models.TextChoices):
        # The highest confidentiality level of case note the lead allowed to leave.
        NONE = "", _("No case notes")
        TEAM = "team", _("Team notes")
        HEALTH = "health", _("Team and health-only notes")
        LEAD = "lead", _("All levels, lead-only included")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    remote_uid = models.UUIDField(
        null=True, blank=True, editable=False, help_text=_("The sender's id of an imported packet")
    )
    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.PROTECT, related_name="transfer_packets"
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.WITHIN_DISTRICT
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    urgent = models.BooleanField(default=False, help_text=_("McKinney-Vento: urgent both sides"))
    from_school = models.ForeignKey(
        "schoolwell.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packets_sent",
    )
    to_school = models.ForeignKey(
        "schoolwell.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packets_received",
    )
    peer = models.ForeignKey(
        PeerDistrict, null=True, blank=True, on_delete=models.PROTECT, related_name="packets"
    )
    sender_label = models.CharField(
        max_length=300, blank=True, help_text=_("Sending district and school of an import")
    )
    # The team's review: item references left out, and the notes the lead added one by one.
    excluded = models.JSONField(default=list, blank=True)
    included_notes = models.ManyToManyField("support_team.Note", blank=True, related_name="+")
    note_level = models.CharField(
        max_length=10, choices=NoteLevel.choices, blank=True, default=NoteLevel.NONE
    )
    consents = models.TextField(
        blank=True, help_text=_("Consents the family gave for sharing, one per line")
    )
    # Frozen at approval (or import): the document that leaves, exactly.
    content = models.JSONField(null=True, blank=True)
    intake = models.ForeignKey(
        "support_team.Intake", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    export_file = models.BinaryField(null=True, blank=True, editable=False)
    passphrase_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it reached the receiving school's queue")
    )
    viewed_at = models.DateTimeField(null=True, blank=True)
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_label = models.CharField(
        max_length=300, blank=True, help_text=_("Who acknowledged, from another district's file")
    )
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["export_file"], m2m_fields=[included_notes])

    objects = TransferPacketQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["from_school", "status"]),
            models.Index(fields=["to_school", "status"]),
            models.Index(fields=["status", "acknowledged_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["remote_uid"],
                condition=Q(remote_uid__isnull=False),
                name="transfer_packet_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"Transfer packet #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT
