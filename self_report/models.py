"""The student self-report: content (a Wagtail page and snippets, edited in the CMS, in
English and Spanish) and what students submit (records, kept by the app, never in Wagtail)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, TranslatableMixin

from schoolwell.models import Discipline

OWN_WORDS_MAX = 2000
GRADES = ["PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]


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


class Service(TranslatableMixin, models.Model):
    """One thing a student can opt in to (a Wagtail snippet, translated per locale)."""

    class ProvidedBy(models.TextChoices):
        SCHOOL = "school", _("At school")
        PARTNER = "partner", _("By a community partner")

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, help_text="Plain words a 10-year-old reads.")
    min_grade = models.CharField(max_length=2, choices=[(g, g) for g in GRADES], default="KG")
    max_grade = models.CharField(max_length=2, choices=[(g, g) for g in GRADES], default="12")
    provided_by = models.CharField(max_length=10, choices=ProvidedBy.choices, default="school")
    discipline = models.CharField(
        max_length=30, choices=Discipline.choices, help_text="Which team member receives it."
    )
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("min_grade"),
        FieldPanel("max_grade"),
        FieldPanel("provided_by"),
        FieldPanel("discipline"),
        FieldPanel("order"),
        FieldPanel("active"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def is_for_grade(self, grade: str) -> bool:
        if grade not in GRADES:
            return True
        return GRADES.index(self.min_grade) <= GRADES.index(grade) <= GRADES.index(self.max_grade)


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
    # The hub is purged before this app (schoolwell.retention.PURGE_ORDER): SET_NULL, so the
    # purge of a student's intakes is not stopped by their requests, deleted right after.
    intake = models.ForeignKey(
        "support_team.Intake", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request #{self.pk}"
