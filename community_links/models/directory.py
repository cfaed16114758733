"""The resource directory, shaped after Open Referral HSDS 3.0: organisations run services
(our Resource) at locations, with schedules, languages and phones; taxonomy terms map to our
need categories. Each modelled row keeps its HSDS id and, in `data`, the HSDS columns we do
not model, so an import exports again unchanged. Tables we do not model at all are kept as
HsdsRecord rows for the same reason."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, RevisionMixin

from community_links.models.scopes import PartnerStaffQuerySet, ResourceQuerySet

GRADES = ["PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
GRADE_CHOICES = [(g, g) for g in GRADES]


# A directory link is opened by people: a web page, never javascript:, data: or ftp:.
WEB_URL = URLValidator(schemes=["http", "https"], message=_("Enter a web address (http or https)."))


def new_hsds_id() -> str:
    return str(uuid.uuid4())


class HsdsFields(models.Model):
    hsds_id = models.CharField(
        _("HSDS id"), max_length=64, unique=True, default=new_hsds_id, editable=False
    )
    data = models.JSONField(
        default=dict, blank=True, editable=False, help_text="HSDS columns not modelled here"
    )

    class Meta:
        abstract = True


class Organization(HsdsFields):
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True, validators=[WEB_URL])
    history = HistoricalRecords()

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("email"),
        FieldPanel("website"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(HsdsFields):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    location_type = models.CharField(max_length=20, default="physical")
    name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=500, blank=True, help_text=_("One line, for people"))
    postal_code = models.CharField(max_length=20, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    history = HistoricalRecords()

    panels = [
        FieldPanel("organization"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("postal_code"),
        FieldPanel("latitude"),
        FieldPanel("longitude"),
    ]

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name or self.address or self.hsds_id

    @property
    def has_coordinates(self) -> bool:
        # HSDS samples carry placeholder coordinates (latitude 100): only real ones count.
        return (
            self.latitude is not None
            and self.longitude is not None
            and -90 <= self.latitude <= 90
            and -180 <= self.longitude <= 180
        )


class Resource(DraftStateMixin, RevisionMixin, HsdsFields):
    """A service a community partner offers (an HSDS service). Edited as a Wagtail snippet
    with drafts: what staff search is the published version."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="resources"
    )
    # A district's own entry is for its schools' teams; with none, the entry is shared by
    # every district (one directory for the region, or a single-district install).
    district = models.ForeignKey(
        "schoolwell.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty when every district's teams may use this resource."),
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    url = models.URLField(max_length=500, blank=True, validators=[WEB_URL])
    email = models.EmailField(blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    maximum_age = models.FloatField(null=True, blank=True, validators=[MaxValueValidator(150)])
    min_grade = models.CharField(max_length=2, choices=GRADE_CHOICES, blank=True)
    max_grade = models.CharField(max_length=2, choices=GRADE_CHOICES, blank=True)
    # ",en,es," so one LIKE filters by language on every database; kept in step with the
    # HSDS language rows by the import and by the snippet form.
    language_codes = models.CharField(
        _("languages"),
        max_length=300,
        blank=True,
        help_text=_("ISO 639 codes separated by commas, e.g. en, es"),
    )
    needs = models.ManyToManyField("schoolwell.Category", related_name="+", blank=True)
    locations = models.ManyToManyField(
        Location, through="ResourceLocation", related_name="resources", blank=True
    )
    accepts_electronic_referrals = models.BooleanField(default=True)
    # HSDS assured_date: when someone last checked the entry with the provider.
    last_verified = models.DateField(
        _("last checked"),
        null=True,
        blank=True,
        help_text=_("When someone last confirmed these details with the provider."),
    )
    referral_email = models.EmailField(
        blank=True, help_text=_("Where referral links go when the partner has no account")
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="resource")
    history = HistoricalRecords(excluded_fields=["latest_revision", "live_revision"])

    objects = ResourceQuerySet.as_manager()

    panels = [
        FieldPanel("organization"),
        FieldPanel("district"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("status"),
        FieldPanel("last_verified"),
        FieldPanel("needs"),
        MultiFieldPanel(
            [
                FieldPanel("eligibility_description"),
                FieldPanel("minimum_age"),
                FieldPanel("maximum_age"),
                FieldPanel("min_grade"),
                FieldPanel("max_grade"),
            ],
            heading=_("Who it is for"),
        ),
        FieldPanel("language_codes"),
        FieldPanel("application_process"),
        FieldPanel("fees_description"),
        FieldPanel("url"),
        FieldPanel("email"),
        MultiFieldPanel(
            [FieldPanel("accepts_electronic_referrals"), FieldPanel("referral_email")],
            heading=_("Referrals"),
        ),
    ]

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["live", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    @property
    def languages(self) -> list[str]:
        return [c for c in self.language_codes.split(",") if c]

    @property
    def referral_address(self) -> str:
        return self.referral_email or self.email or self.organization.email


class ResourceLocation(HsdsFields):
    """Where a resource is offered (an HSDS service_at_location)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "location"], name="resource_at_location")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} at {self.location_id}"


class Schedule(HsdsFields):
    """Opening hours (an HSDS schedule row). Weekly rules with opens/closes times drive
    "open now"; anything else is kept and exported, and only described to people."""

    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    resource_location = models.ForeignKey(
        ResourceLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    freq = models.CharField(max_length=10, blank=True)
    byday = models.CharField(max_length=40, blank=True, help_text="e.g. MO,TU,WE")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["resource", "opens_at", "closes_at"])]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"


class Language(HsdsFields):
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="language_rows"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class Phone(HsdsFields):
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=60)

    def __str__(self) -> str:
        return self.number


class TaxonomyTerm(HsdsFields):
    """A term from the publisher's taxonomy; `category` maps it to one of our needs so a
    resource tagged with it is found by that need."""

    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)
    taxonomy = models.CharField(max_length=255, blank=True)
    category = models.ForeignKey(
        "schoolwell.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("category")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HsdsRecord(models.Model):
    """A row of an HSDS table we do not model (programs, contacts, funding, ...), kept so the
    directory exports as it was imported."""

    table = models.CharField(max_length=40)
    hsds_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "hsds_id"], name="hsds_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.table}:{self.hsds_id}"


class SchoolLocation(models.Model):
    """Where a school is, for "distance from the school" (schools carry no coordinates in the
    roster; district staff set them here, no external geocoder)."""

    school = models.OneToOneField(
        "schoolwell.School", on_delete=models.CASCADE, related_name="community_location"
    )
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    history = HistoricalRecords()

    panels = [FieldPanel("school"), FieldPanel("latitude"), FieldPanel("longitude")]

    def __str__(self) -> str:
        return f"{self.school} ({self.latitude:.4f}, {self.longitude:.4f})"


class PartnerStaff(models.Model):
    """Links a partner account (a district membership with the partner role) to the
    organisation whose referrals it answers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_links"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="staff")
    history = HistoricalRecords()

    objects = PartnerStaffQuerySet.as_manager()

    panels = [FieldPanel("user"), FieldPanel("organization")]

    class Meta:
        verbose_name = _("partner staff member")
        verbose_name_plural = _("partner staff")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="partner_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization}"
