"""Builders for community-links tests: a small directory around a school, a case, a partner."""

import datetime

from community_links.models import (
    Location,
    Organization,
    PartnerStaff,
    Resource,
    ResourceLocation,
    Schedule,
    SchoolLocation,
)
from schoolwell.models import Category, Role
from support_team.services.cases import case_open_or_join
from tests.factories import enrolled_student, member

SCHOOL_AT = (38.5800, -121.4900)


def resource(
    *,
    name: str = "Family Food Pantry",
    org: Organization | None = None,
    need: str = "food-insecurity",
    languages: str = ",en,es,",
    at: tuple[float, float] = (38.5841, -121.4862),
    days: str = "MO,TU,WE,TH,FR,SA,SU",
    opens: datetime.time = datetime.time(0, 0),
    closes: datetime.time = datetime.time(23, 59, 59),
    **fields,
) -> Resource:
    org = org or Organization.objects.create(name=f"{name} Org", email="org@partner.example")
    res = Resource.objects.create(
        organization=org, name=name, language_codes=languages, referral_email="", **fields
    )
    res.needs.add(Category.objects.get(slug=need))
    loc = Location.objects.create(name=name, latitude=at[0], longitude=at[1], postal_code="95814")
    ResourceLocation.objects.create(resource=res, location=loc)
    Schedule.objects.create(
        resource=res, freq="WEEKLY", byday=days, opens_at=opens, closes_at=closes
    )
    return res


def place(school) -> SchoolLocation:
    return SchoolLocation.objects.create(
        school=school, latitude=SCHOOL_AT[0], longitude=SCHOOL_AT[1]
    )


def open_case(school, *, student=None, lead=None):
    student = student or enrolled_student(school)
    lead = lead or member(Role.SUPPORT, school=school, discipline="social_worker")
    case, _ = case_open_or_join(school=school, student=student, by=lead)
    return case, lead


def partner_for(org: Organization, district):
    user = member(Role.PARTNER, district=district)
    PartnerStaff.objects.create(user=user, organization=org)
    return user
