"""The facts a card or a resource page shows (addresses, phones, hours, languages, who it is
for, when it was last checked), read for a whole page of resources in four queries whatever
its length."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce

from community_links import facts
from community_links.models import Language, Phone, Resource, ResourceLocation, Schedule


@dataclass(frozen=True)
class PhoneNumber:
    number: str

    @property
    def href(self) -> str:
        """A dialable tel: URI: digits, and a leading + for an international number."""
        digits = re.sub(r"\D", "", self.number)
        return f"tel:+{digits}" if self.number.lstrip().startswith("+") else f"tel:{digits}"


@dataclass
class Details:
    addresses: list[str]
    phones: list[PhoneNumber]
    hours: facts.Hours
    eligibility: str
    grades: str
    languages: list[str]
    verified: facts.Verified


def _number(text: str) -> str:
    # HSDS samples quote their numbers inside the cell ("\"+44 1234 234567\"").
    return text.strip().strip("\"'").strip()


def details_for(
    resources: list[Resource], *, now: datetime.datetime | None = None
) -> dict[int, Details]:
    ids = [r.pk for r in resources]
    if not ids:
        return {}
    places: dict[int, list] = {}
    for link in ResourceLocation.objects.filter(resource_id__in=ids).select_related("location"):
        places.setdefault(link.resource_id, []).append(link.location)
    schedules: dict[int, list[Schedule]] = {}
    for schedule in Schedule.objects.filter(
        Q(resource_id__in=ids) | Q(resource_location__resource_id__in=ids)
    ).annotate(for_resource=Coalesce("resource_id", "resource_location__resource_id")):
        schedules.setdefault(schedule.for_resource, []).append(schedule)
    location_ids = {loc.pk for locs in places.values() for loc in locs}
    phones = list(
        Phone.objects.filter(
            Q(resource_id__in=ids)
            | Q(location_id__in=location_ids)
            | Q(organization_id__in={r.organization_id for r in resources})
        ).order_by("pk")
    )
    named: dict[int | None, dict[str, str]] = {}
    for row in Language.objects.filter(resource_id__in=ids).exclude(name=""):
        named.setdefault(row.resource_id, {})[row.code] = row.name
    now = facts.local_now(now)
    return {
        r.pk: Details(
            addresses=_addresses(places.get(r.pk, [])),
            phones=_phones(r, places.get(r.pk, []), phones),
            hours=facts.hours_for(schedules.get(r.pk, []), now=now),
            eligibility=facts.eligibility_words(r.minimum_age, r.maximum_age),
            grades=facts.grade_words(r.min_grade, r.max_grade),
            languages=[facts.language_name(c, named.get(r.pk)) for c in r.languages],
            verified=facts.verified_words(r.last_verified, today=now.date()),
        )
        for r in resources
    }


def _addresses(locations: list) -> list[str]:
    lines = [loc.address for loc in sorted(locations, key=lambda loc: (loc.name, loc.pk))]
    return list(dict.fromkeys(line for line in lines if line))


def _phones(resource: Resource, locations: list, phones: list[Phone]) -> list[PhoneNumber]:
    """The service's own numbers first, then its locations', then the organisation's."""
    location_ids = {loc.pk for loc in locations}
    ranked = (
        [p for p in phones if p.resource_id == resource.pk],
        [p for p in phones if p.resource_id is None and p.location_id in location_ids],
        [
            p
            for p in phones
            if p.resource_id is None
            and p.location_id is None
            and p.organization_id == resource.organization_id
        ],
    )
    numbers = [_number(p.number) for group in ranked for p in group]
    return [PhoneNumber(n) for n in dict.fromkeys(numbers) if re.search(r"\d", n)]
