"""Directory search: one SQL query for the page of matches (filters, "open now" and the
distance to the nearest location all computed by the database), one for the count, one for
the matched needs and four for what each card shows (selectors.details), whatever the size
of the directory. Each match says why it matches."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Exists, F, FloatField, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext as _

from community_links.facts import DAY_CODES, LANGUAGE_NAMES, local_now
from community_links.models import Location, Resource, Schedule, SchoolLocation
from community_links.models.directory import GRADES
from community_links.selectors.details import Details, details_for
from community_links.units import Units
from schoolwell.models import Category

EARTH_KM = 6371.0


@dataclass
class Origin:
    latitude: float
    longitude: float
    label: str


@dataclass
class Criteria:
    need: Category | None = None
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
    details: Details
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
    """Weekly openings that cover this minute on the district's clock, as community_links.facts
    reads them: an opening that closes at or before it opens runs past midnight."""
    local = local_now(now)
    today, at = local.date(), local.time()
    yesterday = today - datetime.timedelta(days=1)
    started_today = Q(
        Q(opens_at__lt=F("closes_at"), closes_at__gt=at) | Q(closes_at__lte=F("opens_at")),
        _valid_on(today),
        byday__contains=DAY_CODES[today.weekday()],
        opens_at__lte=at,
    )
    from_yesterday = Q(
        _valid_on(yesterday),
        byday__contains=DAY_CODES[yesterday.weekday()],
        closes_at__lte=F("opens_at"),
        closes_at__gt=at,
    )
    return Schedule.objects.filter(
        Q(resource=OuterRef("pk")) | Q(resource_location__resource=OuterRef("pk")),
        started_today | from_yesterday,
        freq__in=("", "WEEKLY"),
    )


def _valid_on(day: datetime.date) -> Q:
    return Q(Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & Q(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def search_queryset(
    criteria: Criteria, *, scope: QuerySet | None = None, now: datetime.datetime | None = None
) -> QuerySet:
    """Active, published resources matching the criteria, within `scope` (the resources the
    reader may see: Resource.objects.visible_to)."""
    now = now or timezone.now()
    qs = (scope if scope is not None else Resource.objects.filter(live=True)).filter(
        live=True, status=Resource.Status.ACTIVE
    )
    qs = qs.select_related("organization")
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
        qs = qs.filter(Exists(_open_schedules(now)))
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
    criteria: Criteria,
    *,
    scope: QuerySet | None = None,
    limit: int = 50,
    now: datetime.datetime | None = None,
) -> tuple[list[Match], int]:
    qs = search_queryset(criteria, scope=scope, now=now)
    total = qs.count()
    resources = list(qs.prefetch_related("needs")[:limit])
    details = details_for(resources, now=now)
    return [_explain(r, criteria, details[r.pk]) for r in resources], total


def _explain(resource: Resource, criteria: Criteria, details: Details) -> Match:
    match = Match(
        resource=resource,
        distance_km=getattr(resource, "distance_km", None),
        closes_at=details.hours.open_until,
        details=details,
    )
    reasons = match.reasons
    if criteria.need is not None:
        reasons.append(_("Helps with %(need)s") % {"need": criteria.need.name})
    if criteria.language:
        name = LANGUAGE_NAMES.get(criteria.language, criteria.language)
        reasons.append(_("Staff speak %(language)s") % {"language": name})
    if criteria.age is not None:
        reasons.append(
            _("Takes age %(age)s: %(who)s") % {"age": criteria.age, "who": details.eligibility}
        )
    if criteria.grade:
        reasons.append(_("Open to grade %(grade)s") % {"grade": criteria.grade})
    if criteria.open_now and match.closes_at:
        reasons.append(_("Open now, until %(time)s") % {"time": match.closes_at.strftime("%H:%M")})
    if match.distance_km is not None and criteria.origin is not None:
        reasons.append(criteria.units.distance_from(match.distance_km, criteria.origin.label))
    if criteria.text:
        reasons.append(_("Mentions “%(text)s”") % {"text": criteria.text})
    return match


def language_choices() -> list[tuple[str, str]]:
    """(code, name) in the reader's language, by name."""
    return sorted(((code, str(name)) for code, name in LANGUAGE_NAMES.items()), key=lambda c: c[1])
