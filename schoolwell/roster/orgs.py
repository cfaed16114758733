"""Which District and School each OneRoster org becomes.

- `district` orgs are Districts, `school` orgs are Schools.
- A `department` belongs to the nearest school above it: its people are that school's
  people. A department with no school above it (its parent is outside the bundle, as in
  real exports that send one department) is imported as a School of its own, so that its
  classes and enrollments have somewhere to be.
- `local`, `state`, `national` (and `ext:` types) are not kept; a chain of parents is
  followed through them.
- A school's district is the first district above it. A school with none keeps the
  district it already has here; failing that it joins the bundle's only district org;
  failing that a district is made for it, named after the topmost school of its chain, so
  that a school and its sub-schools share one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolwell.roster.bundle import Problems
from schoolwell.roster.records import OrgRow, Parsed

SYNTHETIC_DISTRICT_PREFIX = "district-of:"
SCHOOL, DISTRICT, OTHER = "school", "district", "other"


@dataclass
class DbOrgs:
    """The districts and schools already here, by sourced id."""

    districts: dict[str, int] = field(default_factory=dict)
    schools: dict[str, str] = field(default_factory=dict)  # school sid -> its district's sid


class OrgPlan:
    def __init__(self, parsed: Parsed, db: DbOrgs, problems: Problems, orgs_file: str) -> None:
        self.live = {sid: org for sid, org in parsed.orgs.items() if org.live}
        self.db = db
        self.problems = problems
        self.orgs_file = orgs_file
        self.districts: dict[str, dict] = {}  # district sid -> desired fields
        self.schools: dict[str, dict] = {}  # school sid -> desired fields (district by sid)
        self._school_of: dict[str, str] = {}  # org sid -> the school it counts as
        self._district_of: dict[str, str] = {}
        self._cycles: set[str] = set()
        self._plan()

    # --- lookups -------------------------------------------------------------------------

    def target(self, sid: str) -> tuple[str, str] | None:
        """(kind, sid) of what an org reference lands on, or None if it is nowhere."""
        org = self.live.get(sid)
        if org is not None:
            if org.type == DISTRICT:
                return (DISTRICT, sid)
            if sid in self._school_of:
                return (SCHOOL, self._school_of[sid])
            return (OTHER, sid)
        if sid in self.db.schools:
            return (SCHOOL, sid)
        if sid in self.db.districts:
            return (DISTRICT, sid)
        return None

    def district_of_school(self, school: str) -> str:
        planned = self.schools.get(school)
        return planned["district"] if planned else self.db.schools[school]

    def known(self, sid: str) -> bool:
        return sid in self.live or sid in self.db.schools or sid in self.db.districts

    def covered_schools(self) -> set[str]:
        """The schools this bundle speaks for: only there may a bulk file's silence mean
        that someone has left."""
        return set(self._school_of.values())

    # --- planning --------------------------------------------------------------------------

    def _plan(self) -> None:
        for sid, org in self.live.items():
            if org.type == DISTRICT:
                self.districts[sid] = {"name": org.name}
        for sid, org in self.live.items():
            if org.type == SCHOOL:
                self._school_of[sid] = sid
            elif org.type == "department":
                self._school_of[sid] = self._school_above(org) or sid
        for sid, school in self._school_of.items():
            if sid == school and school in self.live:
                org = self.live[sid]
                self.schools[sid] = {
                    "name": org.name,
                    "identifier": org.identifier,
                    "district": self._district_for(sid, set()),
                }

    def _parents(self, org: OrgRow):
        """Yield the sourced ids above an org, stopping at a cycle (recorded once)."""
        seen = {org.sid}
        parent = org.parent
        while parent:
            if parent in seen:
                if org.sid not in self._cycles:
                    self._cycles.add(org.sid)
                    self.problems.add(
                        self.orgs_file, org.line, f"parentSourcedId of {org.sid!r} loops back"
                    )
                return
            seen.add(parent)
            yield parent
            above = self.live.get(parent)
            parent = above.parent if above is not None else ""

    def _school_above(self, org: OrgRow) -> str | None:
        for parent in self._parents(org):
            above = self.live.get(parent)
            if above is not None and above.type == SCHOOL:
                return parent
            if above is None and parent in self.db.schools:
                return parent
            if above is not None and above.type == DISTRICT:
                return None
        return None

    def _district_for(self, sid: str, visiting: set[str]) -> str:
        if sid in self._district_of:
            return self._district_of[sid]
        visiting = visiting | {sid}
        org = self.live[sid]
        found, top = None, sid
        for parent in self._parents(org):
            above = self.live.get(parent)
            if above is None:
                found = parent if parent in self.db.districts else self.db.schools.get(parent)
                break
            if above.type == DISTRICT:
                found = parent
                break
            if self._school_of.get(parent) == parent and parent not in visiting:
                found = self._district_for(parent, visiting)
                break
            top = parent if above.type in (SCHOOL, "department") else top
        self._district_of[sid] = found or self._fallback_district(sid, top)
        return self._district_of[sid]

    def _fallback_district(self, sid: str, top: str) -> str:
        if sid in self.db.schools:
            return self.db.schools[sid]
        real = [d for d, org in self.live.items() if org.type == DISTRICT]
        if len(real) == 1:
            return real[0]
        synthetic = SYNTHETIC_DISTRICT_PREFIX + top
        self.districts.setdefault(synthetic, {"name": self.live[top].name[:200]})
        return synthetic
