"""Keeps an import inside its scope (scope.py), before anything is written: every refusal
names its file and line, and one refusal refuses the whole bundle. The command line's import
(the whole site) passes untouched.

A school administrator's bundle may:
- carry its school's row (the name and identifier may change, the district may not), rows
  of its departments, and its district's row unchanged (SIS exports of one school include
  it, and an unchanged row writes nothing); local, state and national orgs write nothing;
- place people at its schools only: every role, class and enrollment row is about one of
  them (a role at a district is a district role, whatever it is called);
- change an existing person (account, student record, guardian) only if that person is at
  its schools and nowhere else: every active membership and open enrollment of theirs is
  there. Someone who is at no school now (a returning student or teacher) counts once the
  bundle places them there. Django staff and superusers belong to no school's import. A
  person who is also elsewhere may still be placed here, as long as nothing of theirs
  changes: that is what keeps another school's records, and accounts, out of reach;
- open an enrollment only for a student enrolled at no other school: otherwise the school
  could enroll any student of the district it knows the id of, and read their record;
- link a guardian only to students it may change, and never end a link to anyone else;
- change the e-mail address of an account only before anyone has signed in with it (after,
  a new address would hand the account to whoever holds it: password reset, sign-in code).
A district administrator's bundle: the same with "their districts" for "its schools"; it may
also add schools to their districts and change their districts' rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from schoolwell.models import District
from schoolwell.roster.orgs import DISTRICT, SCHOOL
from schoolwell.roster.world import STAFF, Place, load_world

if TYPE_CHECKING:
    from schoolwell.models import Student
    from schoolwell.roster.bundle import Problems
    from schoolwell.roster.orgs import OrgPlan
    from schoolwell.roster.records import DbPeople, Parsed, Plan
    from schoolwell.roster.scope import Scope

ELSEWHERE = "only a district administrator's import may"


class Fence:
    """Two passes: places() right after the orgs are planned (orgs, classes, every role and
    enrollment row: cheap, and a bundle about other schools is refused before the people it
    names are read from the database), then people(), on the finished plan."""

    def __init__(
        self,
        parsed: Parsed,
        orgs: OrgPlan,
        scope: Scope,
        problems: Problems,
        shown: Callable[[str], str],
    ) -> None:
        self.parsed = parsed
        self.orgs = orgs
        self.scope = scope
        self.problems = problems
        self.shown = shown
        self.users_file = shown("users.csv")
        self.here = scope.label
        self._only_here = f"this import may change only {self.here}"
        self._governed: dict[str, bool] = {}
        self.first_row: dict[str, tuple[str, int]] = {}
        self.refused = False

    def problem(self, file: str, line: int | None, message: str) -> None:
        self.refused = True
        self.problems.add(file, line, message)

    def places(self) -> None:
        if self.scope.whole_site:
            return
        self._orgs()
        self._classes()
        self._assignments()

    def people(self, plan: Plan, db: DbPeople) -> None:
        if self.scope.whole_site:
            return
        self.plan, self.db = plan, db
        self.world = load_world(
            user_ids=plan.account_ids.values(),
            student_sids={sid for sid, _ in plan.enrollments}
            | plan.students.keys()
            | plan.present_students
            | {s for students in plan.guardian_links.values() for s in students},
            guardian_sids=plan.guardians.keys() | plan.guardian_links.keys(),
        )
        self.placed = {s for (s, _), rel in plan.enrollments.items() if rel.live}
        self.placed |= {key[0] for key, rel in plan.memberships.items() if rel.live}
        self._accounts()
        self._students()
        self._enrollments()
        self._guardians()

    # --- places --------------------------------------------------------------------------

    def _school_here(self, sid: str) -> bool:
        """An existing school of the scope, or a new one in a district of the scope."""
        if sid in self.orgs.db.schools:
            return self.scope.has_place(SCHOOL, sid)
        planned = self.orgs.schools.get(sid)
        return planned is not None and self.scope.has_place(DISTRICT, planned["district"])

    def _place_here(self, place: Place) -> bool:
        kind, sid = place
        return kind != STAFF and self.scope.has_place(kind, sid)

    def _inside(self, places: set[Place], placed_here: bool) -> bool:
        return all(map(self._place_here, places)) and bool(places or placed_here)

    # --- orgs and classes ------------------------------------------------------------------

    def _orgs(self) -> None:
        shown = self.shown("orgs.csv")
        district_names = dict(District.objects.values_list("sourced_id", "name"))
        for row in self.parsed.orgs.values():
            if row.sid in self.orgs.db.schools and not self.scope.has_place(SCHOOL, row.sid):
                # whatever type the row gives it (another school made a department of this
                # one would bring its people here)
                self.problem(shown, row.line, f"school {row.sid!r}: {self._only_here}")
                continue
            if row.type == DISTRICT:
                unchanged = row.live and district_names.get(row.sid) == row.name
                if not self.scope.has_place(DISTRICT, row.sid) and not (
                    unchanged and row.sid in self.scope.home_districts
                ):
                    self.problem(
                        shown,
                        row.line,
                        f"district {row.sid!r}: {ELSEWHERE} add or change a district (a "
                        "school's bundle may carry its own district's row, unchanged)",
                    )
                continue
            target = self.orgs.target(row.sid) if row.live else None
            if target is not None and target[0] == SCHOOL:
                self._school_row(target[1], row.sid, shown, row.line)
            elif row.type in (SCHOOL, "department") and not row.live:
                self._school_row(row.sid, row.sid, shown, row.line)
        for sid in self.orgs.districts.keys() - self.parsed.orgs.keys():
            if not self.scope.has_place(DISTRICT, sid):
                self.problem(shown, None, f"this would add district {sid!r}: {ELSEWHERE} do that")

    def _school_row(self, school: str, sid: str, shown: str, line: int) -> None:
        """An org row that is (or folds into) `school`: a school of the scope, staying in its
        district unless the import governs both districts."""
        if not self._school_here(school):
            what = f"school {school!r}" if sid == school else f"{sid!r} (of school {school!r})"
            if school in self.orgs.db.schools or school not in self.orgs.schools:
                message = f"{what}: this import may change only {self.here}"
            else:
                message = f"{what} is not in SchoolWell: {ELSEWHERE} add a school"
            self.problem(shown, line, message)
            return
        planned, before = self.orgs.schools.get(school), self.orgs.db.schools.get(school)
        moved = bool(planned and before and planned["district"] != before)
        if moved and not (
            self.scope.has_place(DISTRICT, before)
            and self.scope.has_place(DISTRICT, planned["district"])
        ):
            self.problem(
                shown,
                line,
                f"this would move school {school!r} from district {before!r} to "
                f"{planned['district']!r}: only an administrator of both districts may",
            )

    def _classes(self) -> None:
        shown = self.shown("classes.csv")
        for sid, row in self.parsed.classes.items():
            target = self.orgs.target(row.school)
            if target is not None and not self._target_here(target):
                self.problem(
                    shown,
                    row.line,
                    f"class {sid!r} is at {row.school!r}: this import may change only {self.here}",
                )

    def _target_here(self, target: tuple[str, str]) -> bool:
        kind, place = target
        if kind == SCHOOL:
            return self._school_here(place)
        return kind != DISTRICT or self.scope.has_place(DISTRICT, place)

    def _assignments(self) -> None:
        """Every role and enrollment row, live or withdrawn, is about a place in scope."""
        for (user, org, role), item in self.parsed.assignments.items():
            self.first_row.setdefault(user, (item.file, item.line))
            target = self.orgs.target(org)
            if target is None or self._target_here(target):
                continue
            if target[0] == DISTRICT:
                message = f"{role} at district {org!r}: {ELSEWHERE} give or end a district role"
            else:
                message = f"{role} at {org!r}: this import may change only {self.here}"
            self.problem(item.file, item.line, message)

    # --- people ----------------------------------------------------------------------------

    def _row(self, sid: str) -> tuple[str, int | None]:
        row = self.parsed.users.get(sid)
        if row is not None:
            return self.users_file, row.line
        return self.first_row.get(sid, (self.users_file, None))

    def _governs_account(self, sid: str, user_id: int) -> bool:
        return self._inside(self.world.account_places(user_id), self._placed(sid))

    def _governs_student(self, sid: str) -> bool:
        if sid not in self._governed:
            student = self.world.students[sid]
            places = self.world.student_places_of(student)
            self._governed[sid] = self._inside(places, self._placed(sid))
        return self._governed[sid]

    def _placed(self, sid: str) -> bool:
        """The bundle places this person at a school (or district) of the scope."""
        return sid in self.placed

    def _accounts(self) -> None:
        """An account outside the scope keeps every field. Inside it, its e-mail address
        (the sign-in, and where password resets go) is changed only before anyone has signed
        in with it: once used, a new address would hand the account, and whatever its roles
        read, to whoever holds that address."""
        for sid, user_id in self.plan.account_ids.items():
            user = self.world.users.get(user_id)
            fields = self.plan.accounts[sid]
            changes = sorted(n for n, v in fields.items() if user and getattr(user, n) != v)
            if "roster_ids" in changes and not self._governs_account(sid, user_id):
                # What single sign-on matches by stays as an import that governs the
                # account set it: a school's file names its people, it does not re-key them.
                del fields["roster_ids"]
                changes.remove("roster_ids")
            if not changes:
                continue
            readdressed = "email" in changes or "username" in changes
            if readdressed and user.last_login is not None:
                message = (
                    "this would change the e-mail address of an account that has been signed "
                    "in to: whoever holds the new address could take the account over; only "
                    "the import run on the server (manage.py import_oneroster) may do that"
                )
            elif self._governs_account(sid, user_id):
                continue
            elif readdressed:
                message = (
                    f"this would change the e-mail address of an account that is not only at "
                    f"{self.here}: whoever holds the new address could take the account over; "
                    f"{ELSEWHERE} do that"
                )
            else:
                message = (
                    f"this would change the {', '.join(changes)} of an account that is not "
                    f"only at {self.here}; {ELSEWHERE} do that"
                )
            self.problem(*self._row(sid), message)

    def _students(self) -> None:
        for sid, fields in self.plan.students.items():
            district = fields.get("district")
            if district is not None and not self.scope.may_hold_students(district):
                self.problem(
                    *self._row(sid),
                    f"student {sid!r} would belong to district {district!r}: this import may "
                    f"change only {self.here}",
                )
                continue
            student = self.world.students.get(sid)
            if student is None or not self._student_changes(student, fields):
                continue
            if not self._governs_student(sid):
                changes = ", ".join(self._student_changes(student, fields))
                self.problem(
                    *self._row(sid),
                    f"this would change the {changes} of student {sid!r}, who is not only at "
                    f"{self.here}; {ELSEWHERE} do that",
                )

    def _student_changes(self, student: Student, fields: dict[str, Any]) -> list[str]:
        changes = []
        for name, value in fields.items():
            if name == "district":
                same = self.db.district_sids.get(student.district_id) == value
            elif name == "user":
                same = self.plan.account_ids.get(value, -1) == student.user_id
            else:
                same = getattr(student, name) == value
            if not same:
                changes.append(name)
        return changes

    def _enrollments(self) -> None:
        for (sid, school), relation in self.plan.enrollments.items():
            student = self.world.students.get(sid)
            if not relation.live or student is None:
                continue
            places = self.world.student_places_of(student)
            if (SCHOOL, school) in places or all(map(self._place_here, places)):
                continue
            self.problem(
                *self._row(sid),
                f"student {sid!r} is enrolled at a school outside {self.here}: a move between "
                "schools waits until that school has ended the enrollment, or is the "
                "district administrator's import to make",
            )

    def _guardians(self) -> None:
        world, plan = self.world, self.plan
        for sid, fields in plan.guardians.items():
            guardian = world.guardians.get(sid)
            if guardian is None or all(getattr(guardian, n) == v for n, v in fields.items()):
                continue
            students = world.links.get(sid, set()) | plan.guardian_links.get(sid, set())
            if not students or not all(self._student_here(s) for s in students):
                self.problem(
                    *self._row(sid),
                    f"this would change guardian {sid!r}, who is a guardian of students not "
                    f"only at {self.here}; {ELSEWHERE} do that",
                )
        for guardian, students in plan.guardian_links.items():
            for student in sorted(students - world.links.get(guardian, set())):
                if not self._student_here(student):
                    self.problem(
                        *self._row(guardian),
                        f"this would make {guardian!r} a guardian of student {student!r}, who "
                        f"is not only at {self.here}",
                    )
        # What a school's bundle says about a family is never the whole truth about it: a
        # guardian's links to students elsewhere, and the links of students who are also
        # elsewhere, stay as they are.
        plan.guardians_replaced.clear()
        plan.present_students = {s for s in plan.present_students if self._student_here(s)}

    def _student_here(self, sid: str) -> bool:
        """A student this import may change: new, or governed."""
        return sid not in self.world.students or self._governs_student(sid)
