"""Keys for the district's own BI tools to read the trends JSON. Only a hash of each key is
stored; the key itself is shown once, when an administrator creates it in the Django admin."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "swt_"


def hash_key(key: str) -> str:
    # The key is 256 random bits: a plain SHA-256 cannot be brute-forced, and a lookup by
    # hash needs no per-row salt.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class TrendsToken(models.Model):
    district = models.ForeignKey(
        "schoolwell.District", on_delete=models.CASCADE, related_name="trends_tokens"
    )
    name = models.CharField(max_length=100, help_text=_("Which tool uses it, e.g. 'Power BI'"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_start = models.CharField(
        max_length=12, editable=False, help_text=_("The key's first characters, to recognise it")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("trends API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_start}…)"


# --- the nightly summary (rollup.py builds it; selectors read it for whole past months) -------
#
# Each table holds counts for the days before `TrendsRollup.covers_until` (the day it was built),
# by school, month (local time) and the student's grade when it was built: the same grouping
# the live queries use, so a month read from here equals the month counted live on the night
# it was built. The current month's cells hold only its days before covers_until. Every cell
# keeps its records (n), the sum of their ids (the fingerprint the published figure's
# adjustment comes from, cellkey.py) and its distinct students (tally.py bounds the students
# of several cells together from these).


class TrendsRollup(models.Model):
    """One row per build; the newest says which months the summary covers and how fresh."""

    built_at = models.DateTimeField()
    covers_until = models.DateField(help_text=_("The days before this one are summarised"))
    seconds = models.FloatField(default=0)

    class Meta:
        get_latest_by = "built_at"

    def __str__(self) -> str:
        return f"trends rollup {self.built_at:%Y-%m-%d %H:%M} (< {self.covers_until})"


class RollupCell(models.Model):
    school = models.ForeignKey(
        "schoolwell.School", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()
    grade = models.CharField(max_length=4, blank=True)
    n = models.PositiveIntegerField()
    students = models.PositiveIntegerField()
    ids = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} school {self.school_id} grade {self.grade}: {self.n}"


class ConcernMonth(RollupCell):
    """category NULL: concerns; category set: concern-category pairs (a concern with two
    categories counts once in each)."""

    category = models.ForeignKey(
        "schoolwell.Category", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta(RollupCell.Meta):
        # category first: the concern counts (category NULL) are a tenth of the rows.
        indexes = [models.Index(fields=["category", "month"], name="trends_concern_month")]


class RequestMonth(RollupCell):
    """Students' requests; service_key is the service's translation key (kind "service")."""

    service_key = models.UUIDField(null=True)

    class Meta(RollupCell.Meta):
        indexes = [models.Index(fields=["month", "school"], name="trends_request_month")]


class IntakeMonth(RollupCell):
    """Intakes by source, the service the team routed them to, how triage went (within
    target, late, waiting) and what became of them (delivered, closed, waiting): the columns
    of the time-to-triage and unmet-needs tables (selectors.TRIAGE and OUTCOME)."""

    source = models.CharField(max_length=20)
    routed_key = models.UUIDField(null=True)
    triage = models.CharField(max_length=10)
    outcome = models.CharField(max_length=10)

    class Meta(RollupCell.Meta):
        indexes = [models.Index(fields=["month", "school"], name="trends_intake_month")]


class DistrictMonth(models.Model):
    district = models.ForeignKey(
        "schoolwell.District", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()

    class Meta:
        abstract = True


class WaitMonth(DistrictMonth):
    """How many intakes of a district waited each whole number of minutes before triage, by
    month: enough for exact percentiles of the whole district. (Per school and grade it would
    be as big as the intakes themselves: a filtered view computes its percentiles live.)"""

    minutes = models.IntegerField()
    n = models.PositiveIntegerField()

    class Meta(DistrictMonth.Meta):
        indexes = [models.Index(fields=["district", "month"], name="trends_wait_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} district {self.district_id}: {self.n} x {self.minutes} min"


class WaitPercentile(DistrictMonth):
    """The median and 90th percentile wait (minutes, interpolated) of a district's whole past
    month, from its WaitMonth counts: a district view reads two numbers per month instead of
    ranking some 3,000 counts per month on every request."""

    median = models.FloatField()
    p90 = models.FloatField()

    class Meta(DistrictMonth.Meta):
        constraints = [
            models.UniqueConstraint(fields=["district", "month"], name="trends_wait_percentile")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} district {self.district_id}: {self.median}/{self.p90} min"
