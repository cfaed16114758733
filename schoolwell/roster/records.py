"""The records a parsed bundle is made of: only what SchoolWell keeps, in slotted classes,
because a district's users file holds tens of thousands of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

MISSING_REFS_KEPT = 5000  # past this many, problems are capped anyway


@dataclass(slots=True)
class OrgRow:
    sid: str
    line: int
    live: bool
    name: str
    type: str
    identifier: str
    parent: str


@dataclass(slots=True)
class ClassRow:
    line: int
    live: bool
    school: str
    term_end: date | None  # the latest end of the class's terms, when the bundle has them


@dataclass(slots=True)
class UserRow:
    sid: str
    line: int
    live: bool
    enabled: bool
    given: str
    family: str
    preferred: str
    identifier: str
    username: str
    master_identifier: str
    email: str
    phone: str
    grade: str
    agents: tuple[str, ...]
    primary_org: str

    def sign_in_ids(self) -> dict[str, str]:
        """The identifiers single sign-on may match this person by (User.roster_ids)."""
        ids = {
            "username": self.username.lower(),
            "identifier": self.identifier,
            "userMasterIdentifier": self.master_identifier,
        }
        return {name: value for name, value in ids.items() if value}


@dataclass(slots=True)
class DemographicRow:
    line: int
    birth_date: date | None
    has_birth_date: bool
    flags: dict[str, bool]


@dataclass(slots=True)
class Assignment:
    """What the bundle says about one user's role at one org, from every row that says it:
    live if any row is live; `end` is when a withdrawn row says it ended."""

    file: str
    line: int
    live: bool = False
    begin: date | None = None
    end: date | None = None
    withdrawn: bool = False


@dataclass
class Parsed:
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)  # file key -> bulk | delta
    orgs: dict[str, OrgRow] = field(default_factory=dict)
    classes: dict[str, ClassRow] = field(default_factory=dict)
    users: dict[str, UserRow] = field(default_factory=dict)
    demographics: dict[str, DemographicRow] = field(default_factory=dict)
    assignments: dict[tuple[str, str, str], Assignment] = field(default_factory=dict)
    missing_users: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)
    missing_orgs: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    _kept_refs: int = 0

    def need_user(self, sid: str, shown: str, line: int, what: str) -> None:
        if sid not in self.users:
            self._keep(self.missing_users, sid, shown, line, what)

    def need_org(self, sid: str, shown: str, line: int, what: str) -> None:
        org = self.orgs.get(sid)
        if org is None or not org.live:
            self._keep(self.missing_orgs, sid, shown, line, what)

    def _keep(self, refs: dict, sid: str, shown: str, line: int, what: str) -> None:
        """Every unknown id keeps where it was first seen (so that it is reported if the
        database does not know it either); further sightings only up to a cap."""
        places = refs.setdefault(sid, [])
        if not places or self._kept_refs < MISSING_REFS_KEPT:
            places.append((shown, line, what))
            self._kept_refs += 1

    def assign(
        self, key: tuple[str, str, str], shown: str, line: int, live: bool, begin, end
    ) -> None:
        """Fold one row into the assignment for (user, org, role)."""
        found = self.assignments.get(key)
        if found is None:
            found = self.assignments[key] = Assignment(shown, line)
        if live:
            found.live = True
            if begin and (found.begin is None or begin < found.begin):
                found.begin = begin
        else:
            found.withdrawn = True
            if end and (found.end is None or end > found.end):
                found.end = end

    def is_bulk(self, key: str) -> bool:
        return self.modes.get(key) == "bulk"


# --- what the database holds, and what the import wants ----------------------------------


@dataclass
class DbPeople:
    """What is already here about the people the bundle names, by their sourced id."""

    students: dict[str, tuple[int, int, str, int | None]] = field(default_factory=dict)
    # sid -> (id, district_id, sis_id, user_id)
    guardians: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)  # roster Membership sourced_id -> user
    users_by_email: dict[str, int] = field(default_factory=dict)  # lower-cased
    users_by_username: dict[str, int] = field(default_factory=dict)
    # (account, lower-cased address) for each address allauth holds as verified
    verified: set[tuple[int, str]] = field(default_factory=set)
    district_ids: dict[str, int] = field(default_factory=dict)
    district_sids: dict[int, str] = field(default_factory=dict)
    sis_owner: dict[tuple[int, str], str] = field(default_factory=dict)  # -> student sid
    student_of_user: Callable[[Iterable[int]], dict[int, str]] = lambda ids: {}


@dataclass
class Relation:
    """One person at one place in one role, folded from every row that says so."""

    live: bool = False
    begin: date | None = None
    end: date | None = None

    def fold(self, item: Assignment, live: bool) -> None:
        if live:
            self.live = True
            if item.begin and (self.begin is None or item.begin < self.begin):
                self.begin = item.begin
        withdrawn = item.withdrawn or not live
        if withdrawn and item.end and (self.end is None or item.end > self.end):
            self.end = item.end


@dataclass
class Plan:
    districts: dict[str, dict] = field(default_factory=dict)
    schools: dict[str, dict] = field(default_factory=dict)
    accounts: dict[str, dict] = field(default_factory=dict)  # user sid -> User fields
    account_ids: dict[str, int] = field(default_factory=dict)  # user sid -> existing user
    students: dict[str, dict] = field(default_factory=dict)
    enrollments: dict[tuple[str, str], Relation] = field(default_factory=dict)
    memberships: dict[tuple[str, str, str, str], Relation] = field(default_factory=dict)
    guardians: dict[str, dict] = field(default_factory=dict)
    guardian_links: dict[str, set[str]] = field(default_factory=dict)
    guardians_replaced: set[str] = field(default_factory=set)  # links = exactly the bundle's
    present_students: set[str] = field(default_factory=set)
    gone_users: set[str] = field(default_factory=set)  # tobedeleted in users.csv
    bulk_schools: set[str] = field(default_factory=set)  # silence there means "has left"
    bulk_orgs: set[tuple[str, str]] = field(default_factory=set)
