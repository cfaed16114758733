"""One school's worth of everything a staff form acts on (an open intake, a case with a plan,
a concern, a referral) and the same at a second school, whose ids the fuzzers post as
"another school's object"."""

import datetime
import uuid
from types import SimpleNamespace

from django.utils import timezone

from community_links.services.referrals import referral_send
from concerns import services as concern_services
from concerns.models import Concern
from schoolwell.models import Category, Role
from support_team.models import FollowUp, Goal, Intervention, Note
from tests.community_links.helpers import partner_for, resource
from tests.support_team.case_helpers import case_world

SLUGS = ["food-insecurity", "housing", "health", "emotional-wellbeing"]


def categories() -> dict:
    for order, slug in enumerate(SLUGS):
        Category.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "order": order})
    return {c.slug: c for c in Category.objects.all()}


def school_world(school, *, with_partner: bool = True) -> SimpleNamespace:
    cats = categories()
    w = case_world(school)
    w.school = school
    w.categories = cats
    w.concern, _ = concern_services.concern_create(
        reporter=w.teacher,
        school=school,
        student=w.student,
        categories=[cats["housing"]],
        severity=Concern.Severity.values[0],
        narrative="Seemed tired all week",
        observed_on=timezone.localdate(),
        idempotency_key=uuid.uuid4(),
    )
    w.intake = concern_services.concern_intake(w.concern)
    w.goal = Goal.objects.create(case=w.case, description="Attend 90% of days")
    w.intervention = Intervention.objects.create(
        goal=w.goal,
        kind=Intervention.Kind.CHECK_IN,
        owner=w.lead,
        start_date=datetime.date(2026, 1, 12),
        frequency=Intervention.Frequency.DAILY,
        review_date=datetime.date(2026, 3, 1),
        status=Intervention.Status.ACTIVE,
    )
    w.follow_up = FollowUp.objects.create(
        case=w.case, title="Call home", assignee=w.lead, due_on=datetime.date(2026, 3, 1)
    )
    w.note = Note.objects.create(
        case=w.case, level=Note.Level.TEAM, body="Met", author=w.lead, written_at=timezone.now()
    )
    w.resource = resource(name=f"Pantry {school.pk}")
    (w.referral,) = referral_send(
        case=w.case,
        resources=[w.resource],
        by=w.lead,
        consent_by="family",
        consent_name="Maria Lopez",
        need=cats["food-insecurity"],
    )
    if with_partner:
        w.partner = partner_for(w.resource.organization, school.district)
    w.role = Role
    return w
