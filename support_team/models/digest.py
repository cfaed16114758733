"""What the daily digest has already sent, so a job that runs twice sends once."""

from django.conf import settings
from django.db import models


class DigestSent(models.Model):
    """One row per person per day a digest went out. Recorded in the same transaction as the
    send: a send that fails rolls the row back and the next run tries again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_digest_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"digest for {self.user_id} on {self.sent_on:%Y-%m-%d}"
