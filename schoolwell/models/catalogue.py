"""The catalogue several apps point at: the needs (what a concern is about, also what a case
works on and what a community resource serves) and the school service catalogue students opt
in to (a Wagtail snippet, translated per locale; its CMS pages are in self_report)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin

from schoolwell.models.roles import Discipline

GRADES = ["PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]


class Category(models.Model):
    """What a concern is about. Administrators edit the list; some are always urgent."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    name_es = models.CharField(_("name in Spanish"), max_length=80, blank=True)
    always_urgent = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


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
