"""Who an import speaks for, decided once when it starts and passed to the plan, its checks
(fence.py) and the writes.

- The command line, and a superuser's upload: the whole site.
- A district administrator: their districts, every school in them, and the people there.
- A school administrator: their schools and the people there. Their district's row may be in
  the bundle (SIS exports of one school carry it) but only unchanged.
- Anyone else (an upload whose uploader has since lost the role): nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from schoolwell import permissions
from schoolwell.models import District, School, User

SCHOOL, DISTRICT = "school", "district"


@dataclass(frozen=True)
class Scope:
    whole_site: bool = False
    school_sids: frozenset[str] = frozenset()
    district_sids: frozenset[str] = frozenset()  # governed whole (district administrators)
    school_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    home_districts: frozenset[str] = frozenset()  # the districts of the schools above
    label: str = "nothing"

    @classmethod
    def command_line(cls) -> Scope:
        return cls(whole_site=True, label="the whole site")

    @classmethod
    def for_user(cls, user: User | None) -> Scope:
        if user is None or not user.is_active:
            return cls()
        ids = permissions.roster_scope_ids(user)
        if ids is None:
            return cls.command_line()
        district_ids, school_ids = ids
        districts = list(
            District.objects.filter(id__in=district_ids).values_list("sourced_id", "name")
        )
        schools = list(
            School.objects.filter(
                Q(district_id__in=district_ids) | Q(id__in=school_ids)
            ).values_list("id", "sourced_id", "district__sourced_id", "name")
        )
        names = [name for _, name in districts]
        names += [name for pk, _, _, name in schools if pk in school_ids]
        return cls(
            school_sids=frozenset(sid for _, sid, _, _ in schools),
            district_sids=frozenset(sid for sid, _ in districts),
            school_ids=frozenset(pk for pk, _, _, _ in schools),
            district_ids=frozenset(district_ids),
            home_districts=frozenset(district for _, _, district, _ in schools),
            label=", ".join(sorted(set(names))) or "nothing",
        )

    @property
    def empty(self) -> bool:
        return not (self.whole_site or self.school_sids or self.district_sids)

    @property
    def schools_only(self) -> bool:
        """A school administrator's import: no district is wholly theirs."""
        return not (self.whole_site or self.district_sids)

    # --- by sourced id (the plan) ---------------------------------------------------------

    def has_place(self, kind: str, sid: str) -> bool:
        """A school or district (by sourced id) this import may change things at."""
        if self.whole_site:
            return True
        return sid in (self.school_sids if kind == SCHOOL else self.district_sids)

    def may_hold_students(self, district: str) -> bool:
        """A student record may be in this district."""
        return self.whole_site or district in self.district_sids | self.home_districts

    # --- by primary key (the writes) ------------------------------------------------------

    def has_school_id(self, pk: int | None) -> bool:
        return self.whole_site or pk in self.school_ids

    def has_district_id(self, pk: int | None) -> bool:
        return self.whole_site or pk in self.district_ids
