"""Directory search: one SQL query for the page of matches (filters, "open now" and the
distance to the nearest location all computed by the database), one for the count and one
for the matched needs, whatever the size of the directory. Each match says why it matches."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Exists, F, FloatField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community_links.models import Location, Resource, Schedule, SchoolLocation
from community_links.models.directory import GRADES
from community_links.units import Units

EARTH_KM = 6371.0
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LANGUAGE_NAMES = {
    "en": gettext_lazy("English"),
    "es": gettext_lazy("Spanish"),
    "fr": gettext_lazy("French"),
    "vi": gettext_lazy("Vietnamese"),
    "zh": gettext_lazy("Chinese"),
    "ar": gettext_lazy("Arabic"),
    "so": gettext_lazy("Somali"),
    "tl": gettext_lazy("Tagalog"),
    "pt": gettext_lazy("Portuguese"),
    "ru": gettext_lazy("Russian"),
    "ur": gettext_lazy("Urdu"),
    "hmn": gettext_lazy("Hmong"),
}


@dataclass
class Origin:
    latitude: float
    longitude: float
    label: str


@dataclass
class Criteria:
    need: object | None = None  # concerns.Category
    language: str = ""
    age: int | None = None
    grade: str = ""
    open_now: bool = False
    origin: Origin | None = None
    within_km: float | None = None
    text: str = ""
    units: Units = Units("")  # km, unless the district's country counts in miles


@dataclass
class Match:
    resource: Resource
    distance_km: float | None
    closes_at: datetime.time | None
    reasons: list[str] = field(default_factory=list)


def haversine_km(lat_field: str, lng_field: str, lat: float, lng: float):
    """Great-circle distance in SQL (SQLite gets these functions from Django)."""
    dlat = Radians(F(lat_field) - lat) / 2
    dlng = Radians(F(lng_field) - lng) / 2
    a = Power(Sin(dlat), 2) + Cos(Radians(lat)) * Cos(Radians(F(lat_field))) * Power(Sin(dlng), 2)
    return 2 * EARTH_KM * ASin(Sqrt(a))


def school_origin(school) -> Origin | None:
    place = SchoolLocation.objects.filter(school=school).first()
    if place is None:
        return None
    return Origin(place.latitude, place.longitude, school.name)


def postcode_origin(postcode: str) -> Origin | None:
    """The centre of the directory's locations in a postcode (no external geocoder)."""
    centre = Location.objects.filter(
        postal_code__iexact=postcode.strip(),
        latitude__range=(-90, 90),
        longitude__range=(-180, 180),
    ).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    if centre["lat"] is None:
        return None
    return Origin(centre["lat"], centre["lng"], postcode.strip().upper())


def _open_schedules(now: datetime.datetime) -> QuerySet:
    local = timezone.localtime(now)
    today, at = local.date(), local.time()
    return Schedule.objects.filter(
        Q(resource=OuterRef("pk")) | Q(resource_location__resource=OuterRef("pk")),
        byday__contains=DAY_CODES[local.weekday()],
        opens_at__lte=at,
        closes_at__gt=at,
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
    )


def search_queryset(criteria: Criteria, *, now: datetime.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    qs = Resource.objects.filter(live=True, status=Resource.Status.ACTIVE).select_related(
        "organization"
    )
    if criteria.need is not None:
        qs = qs.filter(needs=criteria.need)
    if criteria.language:
        qs = qs.filter(language_codes__contains=f",{criteria.language},")
    if criteria.age is not None:
        qs = qs.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=criteria.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=criteria.age),
        )
    if criteria.grade in GRADES:
        index = GRADES.index(criteria.grade)
        qs = qs.filter(
            Q(min_grade="") | Q(min_grade__in=GRADES[: index + 1]),
            Q(max_grade="") | Q(max_grade__in=GRADES[index:]),
        )
    if criteria.text:
        qs = qs.filter(
            Q(name__icontains=criteria.text)
            | Q(description__icontains=criteria.text)
            | Q(organization__name__icontains=criteria.text)
        )
    if criteria.open_now:
        open_now = _open_schedules(now)
        qs = qs.filter(Exists(open_now)).annotate(
            closes_at=Subquery(open_now.order_by("-closes_at").values("closes_at")[:1])
        )
    if criteria.origin is not None:
        o = criteria.origin
        real = Q(locations__latitude__range=(-90, 90), locations__longitude__range=(-180, 180))
        qs = qs.annotate(
            distance_km=Min(
                haversine_km(
                    "locations__latitude", "locations__longitude", o.latitude, o.longitude
                ),
                filter=real,
                output_field=FloatField(),
            )
        ).filter(distance_km__isnull=False)
        if criteria.within_km is not None:
            qs = qs.filter(distance_km__lte=criteria.within_km)
        return qs.order_by("distance_km", "name", "pk")
    return qs.order_by("name", "pk")


def directory_search(
    criteria: Criteria, *, limit: int = 50, now: datetime.datetime | None = None
) -> tuple[list[Match], int]:
    qs = search_queryset(criteria, now=now)
    total = qs.count()
    resources = list(qs.prefetch_related("needs")[:limit])
    return [_explain(r, criteria) for r in resources], total


def _explain(resource: Resource, criteria: Criteria) -> Match:
    match = Match(
        resource=resource,
        distance_km=getattr(resource, "distance_km", None),
        closes_at=getattr(resource, "closes_at", None),
    )
    reasons = match.reasons
    if criteria.need is not None:
        reasons.append(_("Helps with %(need)s") % {"need": criteria.need.name})
    if criteria.language:
        name = LANGUAGE_NAMES.get(criteria.language, criteria.language)
        reasons.append(_("Staff speak %(language)s") % {"language": name})
    if criteria.age is not None:
        reasons.append(_age_reason(resource, criteria.age))
    if criteria.grade:
        reasons.append(_("Open to grade %(grade)s") % {"grade": criteria.grade})
    if criteria.open_now and match.closes_at:
        reasons.append(_("Open now, until %(time)s") % {"time": match.closes_at.strftime("%H:%M")})
    if match.distance_km is not None and criteria.origin is not None:
        reasons.append(criteria.units.distance_from(match.distance_km, criteria.origin.label))
    if criteria.text:
        reasons.append(_("Mentions “%(text)s”") % {"text": criteria.text})
    return match


def _age_reason(resource: Resource, age: int) -> str:
    low, high = resource.minimum_age, resource.maximum_age
    if low is None and high is None:
        return _("No age limit")
    return _("Ages %(low)s to %(high)s include %(age)s") % {
        "low": int(low) if low is not None else 0,
        "high": int(high) if high is not None else "+",
        "age": age,
    }


def language_choices() -> list[tuple[str, str]]:
    return sorted(LANGUAGE_NAMES.items(), key=lambda item: str(item[1]))
