"""From parsed files and what is already here, the rows the import wants: every check that
needs the database happens here, before anything is written.

Who is what:
- a student is a user with the role student, from users.csv (1.1), roles.csv (1.2) or a
  class enrollment; their Enrollment is at each school where they hold that role;
- teacher (class enrollments, roles, 1.1 users.csv) is a `teacher` Membership at the school;
  administrator, siteAdministrator, principal and districtAdministrator are `school_admin`
  at a school and `district_admin` at a district; aide, proctor and systemAdministrator give
  nothing here;
- parent, guardian and relative are Guardians, linked to students through agentSourcedIds
  (a student naming a guardian, or a guardian naming a student).

Live vs withdrawn: a row with status active (or blank, in bulk files) is live; a
`tobedeleted` row, or an enrollment in a class the bundle deletes, withdraws. What is live
in any row of the bundle wins over a withdrawal in another (a student who leaves one class
is still at the school). Start and end dates on rows are history, not switches: a role
whose endDate is past but whose status is active is still live.
"""

from __future__ import annotations

import re

from schoolwell.models import Role
from schoolwell.roster.bundle import Problems
from schoolwell.roster.fence import Fence
from schoolwell.roster.orgs import DISTRICT, SCHOOL, OrgPlan
from schoolwell.roster.records import Assignment, DbPeople, Parsed, Plan, Relation, UserRow

STUDENT_ROLES = {"student"}
GUARDIAN_ROLES = {"parent", "guardian", "relative"}
ADMIN_ROLES = {"administrator", "siteadministrator", "principal", "districtadministrator"}
PLACEHOLDER_DOMAIN = "roster.invalid"
REFUSED = -1  # not an account: the row was refused


class People:
    """Builds the Plan for users, students, guardians, enrollments and memberships."""

    def __init__(
        self,
        parsed: Parsed,
        orgs: OrgPlan,
        db: DbPeople,
        problems: Problems,
        *,
        fence: Fence,
    ) -> None:
        self.parsed = parsed
        self.orgs = orgs
        self.db = db
        self.problems = problems
        self.fence = fence  # the import's scope, and its checks on the plan
        self.scope = fence.scope
        self.users_file = fence.users_file
        self.plan = Plan(districts=orgs.districts, schools=orgs.schools)
        self.student_schools: dict[str, dict[str, Relation]] = {}
        self.student_districts: dict[str, list[str]] = {}
        self.guardian_role: dict[str, str] = {}
        self.staff: set[str] = set()
        self.student_of_user: dict[int, str] = {}

    def build(self) -> Plan:
        self._check_missing_references()
        for (user, org, role), item in self.parsed.assignments.items():
            self._relation(user, org, role, item)
        self._accounts()
        self._students()
        self._memberships()
        self._guardians()
        self._bulk_scope()
        self.fence.people(self.plan, self.db)
        return self.plan

    # --- references ------------------------------------------------------------------------

    def _check_missing_references(self) -> None:
        db = self.db
        for sid, places in self.parsed.missing_users.items():
            if sid in db.students or sid in db.guardians or sid in db.members:
                continue
            for shown, line, what in places:
                self.problems.add(
                    shown, line, f"{what} {sid!r} is not in users.csv nor already in SchoolWell"
                )
        for sid, places in self.parsed.missing_orgs.items():
            if self.orgs.known(sid):
                continue
            for shown, line, what in places:
                self.problems.add(
                    shown, line, f"{what} {sid!r} is not a live org in orgs.csv nor in SchoolWell"
                )

    # --- relations -------------------------------------------------------------------------

    def _relation(self, user: str, org: str, role: str, item: Assignment) -> None:
        row = self.parsed.users.get(user)
        live = item.live and (row is None or row.live)
        target = self.orgs.target(org)
        if target is None:
            return  # a withdrawal at an org that is gone, or a reference already reported
        kind, place = target
        if role in STUDENT_ROLES and kind == SCHOOL:
            self.student_schools.setdefault(user, {}).setdefault(place, Relation()).fold(item, live)
        elif role in STUDENT_ROLES and kind == DISTRICT and live:
            self.student_districts.setdefault(user, []).append(place)
        elif role == "teacher" and kind == SCHOOL:
            self._membership(user, Role.TEACHER, kind, place, item, live)
        elif role in ADMIN_ROLES and kind in (SCHOOL, DISTRICT):
            admin = Role.SCHOOL_ADMIN if kind == SCHOOL else Role.DISTRICT_ADMIN
            self._membership(user, admin, kind, place, item, live)
        elif role in GUARDIAN_ROLES and live:
            self.guardian_role.setdefault(user, role)

    def _membership(self, user: str, role: str, kind: str, place: str, item, live: bool) -> None:
        key = (user, str(role), kind, place)
        self.plan.memberships.setdefault(key, Relation()).fold(item, live)
        if live:
            self.staff.add(user)

    # --- accounts --------------------------------------------------------------------------

    def _accounts(self) -> None:
        """A User for each staff member, each student with an e-mail address, and anyone
        the bundle names who already has one (so that is_active follows the roster).
        Username is the e-mail address lower-cased; without one, the sourcedId and a
        placeholder address that cannot receive mail."""
        emails: dict[str, str] = {}
        usernames: dict[str, str] = {}
        claimed: dict[int, int] = {}  # existing account -> the line that claimed it
        for sid, row in self.parsed.users.items():
            if not row.live:
                self.plan.gone_users.add(sid)
            enrolled = any(r.live for r in self.student_schools.get(sid, {}).values())
            wanted = bool(row.live and (sid in self.staff or (row.email and enrolled)))
            existing = self._existing_account(sid, row, by_email=wanted)
            if existing == REFUSED or (existing is None and not wanted):
                continue
            if existing is not None and existing in claimed:
                self.problems.add(
                    self.users_file,
                    row.line,
                    f"this user's account is also the account of the user on line "
                    f"{claimed[existing]}",
                )
                continue
            if existing is not None:
                claimed[existing] = row.line
            fields = {
                "first_name": row.given[:150],
                "last_name": row.family[:150],
                "is_active": row.live and row.enabled,
                "roster_ids": row.sign_in_ids(),
            }
            if not row.live:
                fields = {"is_active": False}
            elif row.email:
                fields["email"] = fields["username"] = row.email.lower()
            elif existing is None:
                fields["username"] = sid
                fields["email"] = f"{_slug(sid)}@{PLACEHOLDER_DOMAIN}".lower()
            if not self._account_unique(sid, row, fields, existing, emails, usernames):
                continue
            self.plan.accounts[sid] = fields
            if existing is not None:
                self.plan.account_ids[sid] = existing
        self.student_of_user = self.db.student_of_user(self.plan.account_ids.values())

    def _existing_account(self, sid: str, row: UserRow, *, by_email: bool) -> int | None:
        """The account this user already has: the one the roster made for their sourcedId,
        else (when the bundle wants them to have one) the account whose verified e-mail
        address is theirs. An address an account has not verified proves nothing: whoever
        typed it in would be given the roles meant for its owner (REFUSED, with a problem)."""
        db = self.db
        if sid in db.members:
            return db.members[sid]
        student = db.students.get(sid)
        if student and student[3]:
            return student[3]
        email = row.email.lower()
        if not (by_email and email):
            return None
        found = db.users_by_email.get(email)
        found = found if found is not None else db.users_by_username.get(email)
        if found is None or (found, email) in db.verified:
            return found
        self.problems.add(
            self.users_file,
            row.line,
            f"the SchoolWell account with the e-mail address {row.email!r} has not verified "
            "it, so the roster will not give it roles; verify the address in the admin "
            "(E-mail addresses) or change that account's address",
        )
        return REFUSED

    def _account_unique(self, sid, row, fields, existing, emails, usernames) -> bool:
        """No two people share an e-mail address or a username, in the bundle or here."""
        for name, taken, db_taken in (
            ("email", emails, self.db.users_by_email),
            ("username", usernames, self.db.users_by_username),
        ):
            value = fields.get(name)
            if value is None:
                continue
            other_line = taken.get(value)
            owner = db_taken.get(value)
            if other_line is not None:
                self.problems.add(
                    self.users_file, row.line, f"{name} {value!r} is also used on {other_line}"
                )
                return False
            if owner is not None and owner != existing:
                self.problems.add(
                    self.users_file,
                    row.line,
                    f"{name} {value!r} already belongs to another SchoolWell account",
                )
                return False
            taken[value] = f"line {row.line}"
        return True

    # --- students ----------------------------------------------------------------------------

    def _students(self) -> None:
        sis_seen: dict[tuple[str, str], int] = {}
        for sid, row in self.parsed.users.items():
            existing = self.db.students.get(sid)
            schools = self.student_schools.get(sid, {})
            is_student = any(r.live for r in schools.values()) or sid in self.student_districts
            if not row.live:
                if existing is not None:
                    self.plan.students[sid] = {"active": False}
                continue
            if existing is None and not is_student:
                continue
            self.plan.present_students.add(sid)
            fields = self._student_fields(sid, row, existing, schools)
            if fields is not None and self._sis_unique(sid, row, fields, sis_seen):
                self.plan.students[sid] = fields
        for sid, schools in self.student_schools.items():
            if sid in self.plan.students or sid in self.db.students:
                for school, relation in schools.items():
                    self.plan.enrollments[(sid, school)] = relation

    def _student_fields(self, sid, row: UserRow, existing, schools) -> dict | None:
        district = self._student_district(sid, row, existing, schools)
        if district is None:
            self.problems.add(
                self.users_file, row.line, f"student {sid!r} is not at any school or district"
            )
            return None
        sis_id = row.identifier or sid
        if len(sis_id) > 100:
            self.problems.add(self.users_file, row.line, "identifier is over 100 characters")
            return None
        fields = {
            "district": district,
            "sis_id": sis_id,
            "legal_first_name": row.given,
            "legal_last_name": row.family,
            "preferred_name": row.preferred,
            "email": row.email,
            "grade": row.grade,
            "active": row.enabled,
        }
        if sid in self.plan.accounts and self._can_link_account(sid, row):
            fields["user"] = sid
        demographics = self.parsed.demographics.get(sid)
        if demographics is not None:
            if demographics.has_birth_date:
                fields["date_of_birth"] = demographics.birth_date
            fields.update(demographics.flags)
        return fields

    def _student_district(self, sid, row: UserRow, existing, schools) -> str | None:
        """The district of the student's primary org, else of their schools (in sourcedId
        order), else a district they are rostered to directly. A student already here in one
        of those districts stays in it, so that a second school does not move them."""
        candidates: list[str] = []
        target = self.orgs.target(row.primary_org) if row.primary_org else None
        if target and target[0] == SCHOOL:
            candidates.append(self.orgs.district_of_school(target[1]))
        elif target and target[0] == DISTRICT:
            candidates.append(target[1])
        live_schools = sorted(school for school, rel in schools.items() if rel.live)
        candidates += [self.orgs.district_of_school(school) for school in live_schools]
        candidates += self.student_districts.get(sid, [])
        current = self.db.district_sids.get(existing[1]) if existing is not None else None
        if current is not None and (current in candidates or not candidates):
            return current
        return candidates[0] if candidates else None

    def _can_link_account(self, sid: str, row: UserRow) -> bool:
        """A sign-in account belongs to one student at most."""
        owner = self.student_of_user.get(self.plan.account_ids.get(sid, -1))
        if owner is not None and owner != sid:
            self.problems.add(
                self.users_file,
                row.line,
                f"the account for {row.email!r} already belongs to another student ({owner})",
            )
            return False
        return True

    def _sis_unique(self, sid, row: UserRow, fields: dict, seen: dict) -> bool:
        key = (fields["district"], fields["sis_id"])
        if key in seen:
            self.problems.add(
                self.users_file,
                row.line,
                f"identifier {key[1]!r} is also the SIS id of the student on line {seen[key]}",
            )
            return False
        seen[key] = row.line
        district_id = self.db.district_ids.get(key[0])
        owner = self.db.sis_owner.get((district_id, key[1])) if district_id else None
        if owner is not None and owner != sid:
            self.problems.add(
                self.users_file,
                row.line,
                f"identifier {key[1]!r} is already the SIS id of another student ({owner})",
            )
            return False
        return True

    # --- memberships, guardians, bulk --------------------------------------------------------

    def _memberships(self) -> None:
        """Students who can sign in are members of each school they are enrolled at."""
        for (sid, school), relation in self.plan.enrollments.items():
            if sid in self.plan.accounts or sid in self.db.members:
                self.plan.memberships[(sid, str(Role.STUDENT), SCHOOL, school)] = relation
        # Someone with no account here and none in the bundle (a delta naming a teacher
        # who was never imported) cannot be given a membership.
        self.plan.memberships = {
            key: relation
            for key, relation in self.plan.memberships.items()
            if key[0] in self.plan.accounts or key[0] in self.db.members
        }

    def _guardians(self) -> None:
        users = self.parsed.users
        for sid, role in self.guardian_role.items():
            row = users.get(sid)
            if row is None or not row.live:
                continue
            self.plan.guardians[sid] = {
                "first_name": row.given,
                "last_name": row.family,
                "relationship": role,
                "email": row.email,
                "phone": row.phone,
            }
            if self.parsed.is_bulk("users"):
                self.plan.guardians_replaced.add(sid)
        is_guardian = self.plan.guardians.keys() | self.db.guardians.keys()
        is_student = self.plan.students.keys() | self.db.students.keys()
        for sid, row in users.items():
            if not row.live:
                continue
            for agent in row.agents:
                if sid in is_student and agent in is_guardian:
                    self.plan.guardian_links.setdefault(agent, set()).add(sid)
                if sid in self.plan.guardians and agent in is_student:
                    self.plan.guardian_links.setdefault(sid, set()).add(agent)

    def _bulk_scope(self) -> None:
        """With bulk files for every source of a relation, the bundle is the whole truth for
        the schools it covers: what is not in it there has ended."""
        parsed = self.parsed
        sources = ["users" if parsed.version == "1.1" else "roles", "enrollments"]
        modes = [parsed.modes[s] for s in sources if s in parsed.modes]
        if not modes or any(mode != "bulk" for mode in modes):
            return
        schools = self.orgs.covered_schools() | {school for _, school in self.plan.enrollments}
        # Only where this import may change things: a school's bundle that carries its
        # district's row (or, refused anyway, another school's) ends nothing there.
        schools = {s for s in schools if self.scope.has_place(SCHOOL, s)}
        districts = {d for d in self.orgs.districts if d in self.orgs.live}
        self.plan.bulk_schools = schools
        self.plan.bulk_orgs = {(SCHOOL, s) for s in schools} | {
            (DISTRICT, d) for d in districts if self.scope.has_place(DISTRICT, d)
        }


def _slug(sid: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]", "-", sid).strip(".-") or "user"
