"""Apply a Plan: create what is new, save what changed, end what has gone; touch nothing else.

Every write keeps history: new rows go through simple-history's bulk_create_with_history,
changed rows through bulk_update_with_history, guardian links through the m2m manager
(whose signal records them). A row whose fields already match is not saved at all, so
importing the same bundle twice writes nothing the second time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Model, Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from schoolwell.models import District, Enrollment, Membership, Role, School, Student
from schoolwell.models import User as UserModel
from schoolwell.roster.orgs import SCHOOL
from schoolwell.roster.records import DbPeople, Plan, Relation
from schoolwell.roster.scope import Scope
from schoolwell.roster.snapshot import chunks
from schoolwell.roster.table import Progress
from schoolwell.roster.write_guardians import GuardianWrites
from schoolwell.signin_switch import apply_roles

BATCH = 500
ROSTER_ROLES = {Role.STUDENT, Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}
LEFT_BULK = "Not in the OneRoster bulk import of {day}"
LEFT_DELETED = "Withdrawn in the OneRoster import of {day} (tobedeleted)"
K = TypeVar("K")


class Writer(GuardianWrites):
    def __init__(
        self,
        plan: Plan,
        db: DbPeople,
        *,
        scope: Scope,
        user: UserModel | None,
        reason: str,
        today: date,
        progress: Progress | None,
    ) -> None:
        self.plan = plan
        self.db = db
        self.scope = scope
        self.history = {"default_user": user, "default_change_reason": reason}
        self.user = user
        self.reason = reason
        self.today = today
        self.progress = progress or (lambda stage, done, total: None)
        self.summary: dict[str, dict[str, int]] = {}

    def run(self) -> dict[str, dict[str, int]]:
        self.district_ids = self._districts()
        self.school_ids = self._schools()
        self.user_ids = self._users()
        self.student_ids = self._students()
        self._enrollments()
        self._memberships()
        self._guardians()
        apply_roles(District.objects.filter(pk__in=self.district_ids.values()))
        return self.summary

    # --- the one way rows are written ---------------------------------------------------------

    def _sync(
        self,
        stage: str,
        model: type[Model],
        existing: dict[K, Model],
        desired: dict[K, dict[str, Any]],
        make: Callable[[K, dict[str, Any]], Model],
    ) -> dict[K, int]:
        """Create missing rows, save rows whose fields differ, count the rest unchanged."""
        tally = self.summary.setdefault(stage, {"created": 0, "updated": 0, "unchanged": 0})
        new: dict[K, Model] = {}
        changed: list[Model] = []
        fields: set[str] = set()
        for key, values in desired.items():
            obj = existing.get(key)
            if obj is None:
                new[key] = make(key, values)
                continue
            differs = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in differs:
                setattr(obj, name, values[name])
            if differs:
                changed.append(obj)
                fields.update(differs)
            else:
                tally["unchanged"] += 1
        self._create(stage, model, list(new.values()))
        self._update(stage, model, changed, fields)
        tally["created"] += len(new)
        tally["updated"] += len(changed)
        ids = {key: obj.pk for key, obj in existing.items() if key in desired}
        ids.update({key: obj.pk for key, obj in new.items()})
        return ids

    def _create(self, stage: str, model: type[Model], objs: list[Model]) -> None:
        done = 0
        for batch in chunks(objs, BATCH):
            bulk_create_with_history(batch, model, batch_size=BATCH, **self.history)
            done += len(batch)
            self.progress(f"{stage} (new)", done, len(objs))

    def _update(self, stage: str, model: type[Model], objs: list[Model], fields: set) -> None:
        done = 0
        for batch in chunks(objs, BATCH):
            bulk_update_with_history(batch, model, sorted(fields), batch_size=BATCH, **self.history)
            done += len(batch)
            self.progress(f"{stage} (changed)", done, len(objs))

    # --- orgs and people -----------------------------------------------------------------------

    def _districts(self) -> dict[str, int]:
        existing = {d.sourced_id: d for d in District.objects.all()}
        retention = settings.SCHOOLWELL_DEFAULT_RETENTION_YEARS
        ids = self._sync(
            "districts",
            District,
            existing,
            self.plan.districts,
            lambda sid, v: District(sourced_id=sid, retention_years=retention, **v),
        )
        return {sid: d.pk for sid, d in existing.items()} | ids

    def _schools(self) -> dict[str, int]:
        existing = {s.sourced_id: s for s in School.objects.all()}
        desired = {
            sid: {
                "name": v["name"],
                "identifier": v["identifier"],
                "district_id": self.district_ids[v["district"]],
            }
            for sid, v in self.plan.schools.items()
        }
        ids = self._sync(
            "schools", School, existing, desired, lambda sid, v: School(sourced_id=sid, **v)
        )
        return {sid: s.pk for sid, s in existing.items()} | ids

    def _users(self) -> dict[str, int]:
        by_id = {pk: sid for sid, pk in self.plan.account_ids.items()}
        existing: dict[str, UserModel] = {}
        for batch in chunks(sorted(by_id)):
            for user in UserModel.objects.filter(id__in=batch):
                existing[by_id[user.pk]] = user
        ids = self._sync("users", UserModel, existing, self.plan.accounts, _new_user)
        # Someone the bundle names only by reference (a delta) keeps the account they have.
        return {**self.db.members, **ids}

    def _students(self) -> dict[str, int]:
        existing: dict[str, Student] = {}
        for batch in chunks(sorted(self.plan.students)):
            existing.update((s.sourced_id, s) for s in Student.objects.filter(sourced_id__in=batch))
        desired = {sid: self._student_values(v) for sid, v in self.plan.students.items()}
        ids = self._sync(
            "students", Student, existing, desired, lambda sid, v: Student(sourced_id=sid, **v)
        )
        return {sid: row[0] for sid, row in self.db.students.items()} | ids

    def _student_values(self, values: dict[str, Any]) -> dict[str, Any]:
        resolved = dict(values)
        if "district" in resolved:
            resolved["district_id"] = self.district_ids[resolved.pop("district")]
        if "user" in resolved:
            resolved["user_id"] = self.user_ids[resolved.pop("user")]
        return resolved

    # --- enrollments -------------------------------------------------------------------------

    def _enrollments(self) -> None:
        """Open an Enrollment where a student is newly at a school; end (never delete) one
        where they have left: withdrawn in this bundle, their user deleted, or (bulk) not in
        the bundle at a school it covers."""
        plan = self.plan
        open_now = self._open_enrollments()
        wanted: dict[tuple[int, int], Relation] = {}
        for (sid, school), relation in plan.enrollments.items():
            if sid in self.student_ids:
                wanted[(self.student_ids[sid], self.school_ids[school])] = relation
        live = {key: rel for key, rel in wanted.items() if rel.live}
        existing = {key: open_now[key] for key in live.keys() & open_now.keys()}
        desired = {key: self._start(rel, open_now.get(key)) for key, rel in live.items()}
        self._sync(
            "enrollments",
            Enrollment,
            existing,
            desired,
            lambda key, v: Enrollment(student_id=key[0], school_id=key[1], **v),
        )
        gone = {self.student_ids[sid] for sid in plan.gone_users if sid in self.student_ids}
        bulk = {self.school_ids[s] for s in plan.bulk_schools}
        ending: list[Enrollment] = []
        for key, enrollment in open_now.items():
            # Whatever the plan says, an import ends nothing at a school outside its scope.
            if key in live or not self.scope.has_school_id(key[1]):
                continue
            if key in wanted or key[0] in gone:
                ends, reason = wanted[key].end if key in wanted else None, LEFT_DELETED
            elif key[1] in bulk:
                ends, reason = None, LEFT_BULK
            else:
                continue
            enrollment.end_date = self._end_date(ends, enrollment.start_date)
            enrollment.exit_reason = reason.format(day=self.today.isoformat())
            ending.append(enrollment)
        self._update("enrollments", Enrollment, ending, {"end_date", "exit_reason"})
        self.summary["enrollments"]["ended"] = len(ending)

    def _open_enrollments(self) -> dict[tuple[int, int], Enrollment]:
        found: dict[tuple[int, int], Enrollment] = {}
        student_ids = {self.student_ids[sid] for sid, _ in self.plan.enrollments}
        student_ids |= {self.student_ids[s] for s in self.plan.gone_users if s in self.student_ids}
        queries = [Q(student_id__in=batch) for batch in chunks(sorted(student_ids))]
        bulk = sorted(self.school_ids[s] for s in self.plan.bulk_schools)
        queries += [Q(school_id__in=batch) for batch in chunks(bulk)]
        for query in queries:
            for enrollment in Enrollment.objects.filter(query, end_date__isnull=True):
                found[(enrollment.student_id, enrollment.school_id)] = enrollment
        return found

    @staticmethod
    def _start(relation: Relation, current: Enrollment | None) -> dict[str, Any]:
        """The start is the earliest begin date seen: a later one (next year's classes)
        does not move it."""
        start = current.start_date if current is not None else None
        if relation.begin and (start is None or relation.begin < start):
            start = relation.begin
        return {"start_date": start}

    def _end_date(self, ends: date | None, start: date | None) -> date:
        """The withdrawn row's end date (or its class's term end), else today; never in the
        future, never before the enrollment started."""
        end = min(ends or self.today, self.today)
        return max(end, start) if start else end

    # --- memberships -------------------------------------------------------------------------

    def _memberships(self) -> None:
        """One Membership per person, role and school (or district), marked with the
        person's sourcedId so that a later import knows it manages it. Memberships made by
        hand (no sourcedId) are never switched off by an import."""
        wanted: dict[tuple, tuple[str, Relation]] = {}
        for (sid, role, kind, place), relation in self.plan.memberships.items():
            if sid not in self.user_ids:
                continue
            school = self.school_ids[place] if kind == SCHOOL else None
            district = None if kind == SCHOOL else self.district_ids[place]
            wanted[(self.user_ids[sid], role, school, district)] = (sid, relation)
        current = self._current_memberships(wanted)
        desired = {
            key: {"active": True, "sourced_id": sid}
            for key, (sid, relation) in wanted.items()
            if relation.live
        }
        existing = {key: current[key] for key in desired.keys() & current.keys()}
        self._sync(
            "memberships",
            Membership,
            existing,
            desired,
            lambda key, v: Membership(
                user_id=key[0], role=key[1], school_id=key[2], district_id=key[3], **v
            ),
        )
        self._deactivate(current, desired, wanted)

    def _current_memberships(self, wanted: dict) -> dict[tuple, Membership]:
        user_ids = {key[0] for key in wanted}
        user_ids |= {self.user_ids[s] for s in self.plan.gone_users if s in self.user_ids}
        queries = [Q(user_id__in=batch) for batch in chunks(sorted(user_ids))]
        schools = sorted(self.school_ids[s] for kind, s in self.plan.bulk_orgs if kind == SCHOOL)
        districts = sorted(
            self.district_ids[d] for kind, d in self.plan.bulk_orgs if kind != SCHOOL
        )
        queries += [Q(school_id__in=batch) for batch in chunks(schools)]
        queries += [Q(district_id__in=batch) for batch in chunks(districts)]
        found: dict[tuple, Membership] = {}
        for query in queries:
            for m in Membership.objects.filter(query, role__in=sorted(ROSTER_ROLES)):
                found[(m.user_id, m.role, m.school_id, m.district_id)] = m
        return found

    def _deactivate(self, current: dict, desired: dict, wanted: dict) -> None:
        gone = {self.user_ids[s] for s in self.plan.gone_users if s in self.user_ids}
        bulk_schools = {self.school_ids[s] for kind, s in self.plan.bulk_orgs if kind == SCHOOL}
        bulk_districts = {self.district_ids[d] for k, d in self.plan.bulk_orgs if k != SCHOOL}
        ending = []
        for key, membership in current.items():
            if key in desired or not membership.active or not membership.sourced_id:
                continue
            if not (self.scope.has_school_id(key[2]) or self.scope.has_district_id(key[3])):
                continue  # never outside the import's scope, whatever the plan says
            withdrawn = key in wanted or key[0] in gone
            silent = key[2] in bulk_schools or key[3] in bulk_districts
            if withdrawn or silent:
                membership.active = False
                ending.append(membership)
        self._update("memberships", Membership, ending, {"active"})
        self.summary["memberships"]["deactivated"] = len(ending)


def _new_user(sid: str, values: dict[str, Any]) -> UserModel:
    """Accounts made by the roster have no password: people sign in with a code sent to
    their school e-mail, or an administrator sets one. The unusable password is what
    set_unusable_password() stores (the prefix and 40 random characters), drawn in one
    call: Django's per-character draw costs seconds over 50,000 accounts. They start
    switched off (schoolwell/signin_switch.py)."""
    user = UserModel(**values, sign_in_enabled=False)  # until the district switches it on
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return user
