"""How the directory speaks of places for a district: miles and "ZIP code" in the US, km and
"postcode" elsewhere. Distances are computed and stored in km; only what people type and read
changes."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KM_PER_MILE = 1.609344
# Countries whose road signs and people count in miles.
MILE_COUNTRIES = frozenset({"US", "GB", "LR", "MM"})


@dataclass(frozen=True)
class Units:
    country: str

    @property
    def miles(self) -> bool:
        return self.country in MILE_COUNTRIES

    @property
    def zip_code(self) -> bool:
        return self.country == "US"

    def to_km(self, distance: float) -> float:
        return distance * KM_PER_MILE if self.miles else distance

    def from_km(self, km: float) -> float:
        return km / KM_PER_MILE if self.miles else km

    def distance_from(self, km: float, place: str) -> str:
        if self.miles:
            return _("%(distance).1f miles from %(place)s") % {
                "distance": self.from_km(km),
                "place": place,
            }
        return _("%(distance).1f km from %(place)s") % {"distance": km, "place": place}

    @property
    def within_label(self) -> Promise:
        return _("Within (miles)") if self.miles else _("Within (km)")

    @property
    def postcode_label(self) -> Promise:
        return _("ZIP code") if self.zip_code else _("Postcode")

    @property
    def near_postcode(self) -> Promise:
        if self.zip_code:
            return _("A ZIP code (e.g. the student's area)")
        return _("A postcode (e.g. the student's area)")

    @property
    def postcode_missing(self) -> Promise:
        if self.zip_code:
            return _("Type a ZIP code, or pick another place.")
        return _("Type a postcode, or pick another place.")

    @property
    def postcode_unknown(self) -> Promise:
        if self.zip_code:
            return _("No resource in the directory has this ZIP code.")
        return _("No resource in the directory has this postcode.")

    @property
    def school_unplaced(self) -> Promise:
        if self.zip_code:
            return _("This school's location is not set yet: use a ZIP code.")
        return _("This school's location is not set yet: use a postcode.")


def units_for(school) -> Units:
    """The units of the school's district; with no school, the server's default country."""
    if school is None:
        return Units(settings.SCHOOLWELL_DEFAULT_COUNTRY)
    return Units(school.district.country)
