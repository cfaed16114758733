"""Demo directory: realistic resources around Riverbend's schools (HSDS records imported
through the same importer as any publisher's file), the schools' locations, and the demo
partner account linked to the food bank. Idempotent: ids are fixed, so a second run updates
nothing."""

import json
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from community_links import demo_history as history
from community_links.hsds import import_path
from community_links.models import Organization, PartnerStaff, SchoolLocation
from schoolwell.demo import DEMO_DOMAIN, _ensure_totp, _staff_user
from schoolwell.models import District, Membership, Role, School

NS = uuid.UUID("0b6f3c1e-9a57-4c1b-8f34-7d1f1f3f2a10")
# Riverbend is fictional; its schools sit around this point.
SCHOOL_PLACES = {"es": (38.5902, -121.5010), "ms": (38.5800, -121.4900), "hs": (38.5705, -121.4788)}
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
WEEKDAYS = "MO,TU,WE,TH,FR"
# (key, organisation, service, description, need words, languages, ages, lat, lng, postcode,
#  days, opens, closes, e-mail)
RESOURCES = [
    (
        "foodbank",
        "Riverbend Community Food Bank",
        "Family Food Pantry",
        "Free groceries every day: fresh produce, staples and baby food. No paperwork needed.",
        "food pantry",
        ["en", "es"],
        (0, 120),
        38.5841,
        -121.4862,
        "95814",
        EVERY_DAY,
        "07:00:00",
        "21:00:00",
        f"referrals@foodbank.{DEMO_DOMAIN}",
    ),
    (
        "backpack",
        "Riverbend Community Food Bank",
        "Weekend Backpack Meals",
        "A backpack of food for the weekend, handed out at school on Fridays.",
        "food meal",
        ["en", "es"],
        (5, 14),
        38.5841,
        -121.4862,
        "95814",
        "FR",
        "12:00:00",
        "16:00:00",
        f"referrals@foodbank.{DEMO_DOMAIN}",
    ),
    (
        "familycenter",
        "Maple Family Resource Center",
        "Family Support and Housing Help",
        "Help with rent, utilities and finding stable housing; parenting classes.",
        "family housing",
        ["en", "es", "vi"],
        (0, 120),
        38.5761,
        -121.4950,
        "95816",
        WEEKDAYS,
        "09:00:00",
        "17:00:00",
        f"intake@familycenter.{DEMO_DOMAIN}",
    ),
    (
        "counseling",
        "Riverbend Youth Counseling",
        "Teen Counseling",
        "Free short-term counseling for young people and their families.",
        "counseling mental health",
        ["en"],
        (10, 18),
        38.5688,
        -121.4701,
        "95816",
        WEEKDAYS,
        "10:00:00",
        "19:00:00",
        f"hello@youthcounseling.{DEMO_DOMAIN}",
    ),
    (
        "clinic",
        "Eastside Health Clinic",
        "Sliding-Scale Family Clinic",
        "Check-ups, vaccinations, dental and vision screening; pay what you can.",
        "health clinic dental",
        ["en", "es"],
        (0, 120),
        38.5903,
        -121.4702,
        "95819",
        WEEKDAYS,
        "08:00:00",
        "18:00:00",
        f"front@eastsideclinic.{DEMO_DOMAIN}",
    ),
    (
        "shelter",
        "Safe Harbor",
        "Family Emergency Shelter",
        "Emergency shelter for families with children; open all night.",
        "shelter homeless",
        ["en"],
        (0, 120),
        38.5630,
        -121.5051,
        "95818",
        EVERY_DAY,
        "00:00:00",
        "23:59:59",
        f"beds@safeharbor.{DEMO_DOMAIN}",
    ),
    (
        "homework",
        "Riverbend Public Library",
        "Homework Help",
        "Volunteer tutors help with homework after school.",
        "tutor homework",
        ["en", "es"],
        (6, 18),
        38.5795,
        -121.4921,
        "95814",
        WEEKDAYS,
        "15:00:00",
        "18:00:00",
        f"teens@library.{DEMO_DOMAIN}",
    ),
    (
        "farpantry",
        "Far Valley Mutual Aid",
        "Far Valley Food Pantry",
        "Groceries on Saturdays for families in the valley.",
        "food pantry",
        ["es"],
        (0, 120),
        38.6801,
        -121.3903,
        "95842",
        "SA",
        "09:00:00",
        "13:00:00",
        f"hola@farvalley.{DEMO_DOMAIN}",
    ),
]


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NS, ":".join(parts)))


def hsds_services() -> list[dict]:
    """The demo resources as HSDS 3.0 service records (full, nested)."""
    services = []
    for index, (
        key,
        org,
        name,
        text,
        words,
        languages,
        ages,
        lat,
        lng,
        post,
        days,
        opens,
        closes,
        mail,
    ) in enumerate(RESOURCES):
        org_id, loc_id = _id("org", org), _id("loc", key)
        services.append(
            {
                "id": _id("service", key),
                "name": name,
                "description": text,
                "email": mail,
                "status": "active",
                "application_process": "Referral from the school, or walk in.",
                "fees_description": "Free",
                # Who it is for is said from the ages ("All ages"); no "Ages 0 to 120" text.
                "minimum_age": ages[0],
                "maximum_age": ages[1],
                **_checked(index),
                "organization": {"id": org_id, "name": org, "description": f"{org}, Riverbend."},
                "phones": [{"id": _id("phone", key), "number": f"(555) 01{index:02d}-2000"}],
                "languages": [{"id": _id("lang", key, code), "code": code} for code in languages],
                "attributes": [
                    {
                        "id": _id("attr", key, word),
                        "link_entity": "service",
                        "taxonomy_term": {
                            "id": _id("term", word),
                            "code": word,
                            "name": word.title(),
                            "description": f"Services tagged {word}.",
                        },
                    }
                    for word in words.split()
                ],
                "schedules": [
                    {
                        "id": _id("schedule", key),
                        "freq": "WEEKLY",
                        "byday": days,
                        "opens_at": opens,
                        "closes_at": closes,
                        "description": f"{days} {opens[:5]}-{closes[:5]}",
                    }
                ],
                "service_at_locations": [
                    {
                        "id": _id("sal", key),
                        "location": {
                            "id": loc_id,
                            "organization_id": org_id,
                            "location_type": "physical",
                            "name": name,
                            "latitude": lat,
                            "longitude": lng,
                            "addresses": [
                                {
                                    "id": _id("address", key),
                                    "address_1": f"{100 + len(key) * 7} Main Street",
                                    "city": "Riverbend",
                                    "state_province": "CA",
                                    "postal_code": post,
                                    "country": "US",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
            }
        )
    return services


def _checked(index: int) -> dict:
    """When the demo entries were last checked: most recently, one long ago, one never, so
    the resource pages show each way of saying it."""
    if index == len(RESOURCES) - 1:
        return {}
    if index == len(RESOURCES) - 2:
        return {"assured_date": "2024-09-16"}
    return {"assured_date": f"2026-0{1 + index % 3}-{10 + index:02d}"}


@transaction.atomic
def seed(*, seed: int = 2026) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "service_list.json"
        path.write_text(json.dumps({"contents": hsds_services()}))
        result = import_path(path)
    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / "hsds-3.0" / "csv"
    if shared.is_dir():
        import_path(shared)
    made = {"resources": result.created.get("service", 0), "school locations": 0}
    for key, (lat, lng) in SCHOOL_PLACES.items():
        school = School.objects.filter(sourced_id=f"demo-{key}").first()
        if school:
            _place, created = SchoolLocation.objects.get_or_create(
                school=school, defaults={"latitude": lat, "longitude": lng}
            )
            made["school locations"] += created
    partner, _created = _staff_user("partner", "Pat", "Partner")
    _ensure_totp(partner)
    district = District.objects.order_by("pk").first()
    if district:
        Membership.objects.get_or_create(user=partner, role=Role.PARTNER, district=district)
    food_bank = Organization.objects.get(hsds_id=_id("org", "Riverbend Community Food Bank"))
    PartnerStaff.objects.get_or_create(user=partner, organization=food_bank)
    made["past referrals"] = history.seed(seed=seed)
    return made
