"""The student self-report: content (a Wagtail page and snippets, edited in the CMS, in
English and Spanish) and what students submit (records, kept by the app, never in Wagtail)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from schoolwell import permissions
from schoolwell.actor import Who
from schoolwell.models import Service

OWN_WORDS_MAX = 2000


class SelfReportPage(Page):
    """The one page students use. Editors write every sentence of it; a Spanish translation
    is a copy of the page in the Spanish locale."""

    welcome = RichTextField(features=["bold", "italic", "link"])
    wellbeing_question = models.CharField(max_length=200, default="How are you this week?")
    question_sleep = models.CharField(
        max_length=200,
        blank=True,
        default="Are you sleeping OK?",
        help_text="Optional question, answered yes / sometimes / no. Leave empty to hide it.",
    )
    question_eating = models.CharField(
        max_length=200,
        blank=True,
        default="Do you get enough to eat?",
    )
    question_adult = models.CharField(
        max_length=200,
        blank=True,
        default="Is there an adult at school you can talk to?",
    )
    services_intro = models.CharField(
        max_length=300, default="Tick anything you would like help with."
    )
    own_words_prompt = models.CharField(
        max_length=300, default="Anything else you want to tell us? (You can leave this empty.)"
    )
    who_sees = RichTextField(
        features=["bold", "italic", "link"],
        help_text="Say honestly who will read what the student writes.",
    )
    what_next = RichTextField(features=["bold", "italic", "link", "ul"])
    crisis_help = RichTextField(
        features=["bold", "italic", "link", "ul"],
        help_text="Phone numbers, text lines and the school's own contacts. Shown at once "
        "when an answer signals risk of harm.",
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    content_panels = [
        *Page.content_panels,
        FieldPanel("welcome"),
        MultiFieldPanel(
            [
                FieldPanel("wellbeing_question"),
                FieldPanel("question_sleep"),
                FieldPanel("question_eating"),
                FieldPanel("question_adult"),
            ],
            heading="Check-in questions",
        ),
        FieldPanel("services_intro"),
        FieldPanel("own_words_prompt"),
        FieldPanel("who_sees"),
        FieldPanel("what_next"),
        FieldPanel("crisis_help"),
    ]

    def serve(self, request, *args, **kwargs):
        # The form, its validation and the records live in the app, not in Wagtail.
        from self_report.views import self_report_page

        return self_report_page(request, self)


class RiskPhrase(models.Model):
    """Words in a student's own text that mean someone must see it now. Maintained by the
    safeguarding leads in the CMS; matched case- and accent-insensitively."""

    phrase = models.CharField(max_length=100, unique=True)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)

    panels = [FieldPanel("phrase"), FieldPanel("language")]

    class Meta:
        ordering = ["language", "phrase"]

    def __str__(self) -> str:
        return self.phrase


class ConsentRule(models.Model):
    """Whether a student of a given age may opt in to a service without a guardian's
    consent, per district (state law and district policy differ)."""

    district = models.ForeignKey("schoolwell.District", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The service in the default language; it covers its translations.",
    )
    min_age_without_consent = models.PositiveSmallIntegerField(default=0)
    consent_text = models.CharField(
        max_length=300,
        blank=True,
        default="We will ask your parent or guardian before this starts.",
    )

    panels = [
        FieldPanel("district"),
        FieldPanel("service"),
        FieldPanel("min_age_without_consent"),
        FieldPanel("consent_text"),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "service"], name="one_rule_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.min_age_without_consent}+ without consent"


class SelfReportQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "SelfReportQuerySet":
        """Students' check-ins, read whole (every answer and their own words) by the support
        team of the school each was sent to, and by nobody else: not teachers, partners,
        analysts or administrators, not another school's team."""
        return self.filter(school_id__in=permissions.school_ids(actor, permissions.TEAM_ROLES))

    def own(self, actor: Who) -> "SelfReportQuerySet":
        """A student's own check-ins; staff reach check-ins only through visible_to."""
        student = permissions.student_record(actor)
        return self.none() if student is None else self.filter(student=student)


class SelfReport(models.Model):
    """What a student submitted. No device identifiers, IP addresses or tracking."""

    class Wellbeing(models.IntegerChoices):
        AWFUL = 1, _("Really bad")
        LOW = 2, _("Not great")
        OK = 3, _("OK")
        GOOD = 4, _("Good")
        GREAT = 5, _("Really good")

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        SOMETIMES = "sometimes", _("Sometimes")
        NO = "no", _("No")

    class TalkWhen(models.TextChoices):
        TODAY = "today", _("Today")
        THIS_WEEK = "week", _("This week")
        WHENEVER = "whenever", _("Whenever")

    class TalkWith(models.TextChoices):
        ANY = "any", _("Any adult")
        COUNSELOR = "counselor", _("A counselor")
        NURSE = "nurse", _("The nurse")
        SOCIAL_WORKER = "social_worker", _("A social worker")

    student = models.ForeignKey(
        "schoolwell.Student", on_delete=models.PROTECT, related_name="self_reports"
    )
    school = models.ForeignKey("schoolwell.School", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(db_index=True)
    language = models.CharField(max_length=5)
    # Empty only on a check-in that signalled risk without saying how they are: such a
    # check-in is saved whatever else was missing (see services.self_report_submit).
    wellbeing = models.PositiveSmallIntegerField(choices=Wellbeing.choices, null=True, blank=True)
    sleep = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    eating = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    trusted_adult = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    hurting_self = models.BooleanField(default=False)
    unsafe_at_home = models.BooleanField(default=False)
    talk_when = models.CharField(max_length=10, choices=TalkWhen.choices, blank=True)
    talk_with = models.CharField(max_length=20, choices=TalkWith.choices, blank=True)
    own_words = models.TextField(max_length=OWN_WORDS_MAX, blank=True)
    risk_flagged = models.BooleanField(default=False)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)
    history = HistoricalRecords()

    objects = SelfReportQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Self-report #{self.pk}"


class SelfReportRequest(models.Model):
    """One thing the student asked for. A check-in is one queue item (one intake listing its
    requests); each request points at the intake that carries it, whose state the student
    sees for that request. Check-ins made before that rule may point at an earlier intake
    of their own (kept by migration 0002)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        TALK = "talk", _("Talk to someone")
        SAFETY = "safety", _("Safety check")
        CHECKIN = "checkin", _("Low check-in")

    report = models.ForeignKey(SelfReport, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    consent_needed = models.BooleanField(default=False)
    consent_rule = models.ForeignKey(
        ConsentRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SET_NULL: the purge (schoolwell.retention) may delete a student's intakes and their
    # requests in either order; neither stops the other.
    intake = models.ForeignKey(
        "support_team.Intake", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request #{self.pk}"
