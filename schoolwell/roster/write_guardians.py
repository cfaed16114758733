"""Writing guardians and their links to students: the part of Writer (write.py) that keeps
the many-to-many history by hand, in bulk."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from schoolwell.models import Guardian
from schoolwell.roster.snapshot import chunks

BATCH = 500


class GuardianWrites:
    """Mixed into Writer, whose plan, ids, history defaults and _sync it uses."""

    def _guardians(self) -> None:
        plan = self.plan
        existing: dict[str, Guardian] = {}
        for batch in chunks(sorted(plan.guardians.keys() | plan.guardian_links.keys())):
            existing.update(
                (g.sourced_id, g) for g in Guardian.objects.filter(sourced_id__in=batch)
            )
        ids = self._sync(
            "guardians",
            Guardian,
            {sid: g for sid, g in existing.items() if sid in plan.guardians},
            plan.guardians,
            lambda sid, v: Guardian(sourced_id=sid, **v),
        )
        guardians = {sid: g for sid, g in existing.items()}
        guardians.update(
            (g.sourced_id, g) for g in Guardian.objects.filter(pk__in=_new_ids(ids, existing))
        )
        self._links(guardians)

    def _links(self, guardians: dict[str, Guardian]) -> None:
        """A guardian's students are what the bundle links them to, plus (unless a bulk users
        file lists the guardian) the links to students this bundle says nothing about."""
        plan = self.plan
        present = {self.student_ids[s] for s in plan.present_students if s in self.student_ids}
        current = self._current_links(guardians, present)
        missing = current.keys() - {g.pk for g in guardians.values()}
        guardians.update((g.sourced_id, g) for g in Guardian.objects.filter(pk__in=missing))
        wanted: dict[int, set[int]] = {}
        for sid, guardian in guardians.items():
            now = {student for student, _ in current.get(guardian.pk, ())}
            linked = {self.student_ids[s] for s in plan.guardian_links.get(sid, ())}
            kept = set() if sid in plan.guardians_replaced else now - present
            if kept | linked != now:
                wanted[guardian.pk] = kept | linked
        by_pk = {g.pk: g for g in guardians.values()}
        self._relink([by_pk[pk] for pk in sorted(wanted)], wanted, current)
        self.summary["guardians"]["links_changed"] = len(wanted)

    def _current_links(self, guardians: dict, present: set[int]) -> dict[int, set[tuple]]:
        """guardian id -> {(student id, through row id)} for the guardians and students
        this import touches."""
        through = Guardian.students.through
        queries = [Q(guardian_id__in=b) for b in chunks(sorted(g.pk for g in guardians.values()))]
        queries += [Q(student_id__in=b) for b in chunks(sorted(present))]
        current: dict[int, set[tuple]] = {}
        for query in queries:
            for pk, guardian_id, student_id in through.objects.filter(query).values_list(
                "id", "guardian_id", "student_id"
            ):
                current.setdefault(guardian_id, set()).add((student_id, pk))
        return current

    def _relink(self, changed: list[Guardian], wanted: dict, current: dict) -> None:
        """Record link changes the way simple-history's m2m signal does for
        `guardian.students.set()` (a `~` history row per guardian, holding a snapshot of its
        links), but in a few bulk queries instead of five queries per guardian: a district
        has tens of thousands of guardians."""
        through = Guardian.students.through
        dropped = [
            pk
            for guardian in changed
            for student, pk in current.get(guardian.pk, ())
            if student not in wanted[guardian.pk]
        ]
        for batch in chunks(dropped):
            through.objects.filter(pk__in=batch).delete()
        rows = [
            through(guardian_id=guardian.pk, student_id=student)
            for guardian in changed
            for student in sorted(wanted[guardian.pk])
            if student not in {s for s, _ in current.get(guardian.pk, ())}
        ]
        kept = [
            through(pk=pk, guardian_id=guardian.pk, student_id=student)
            for guardian in changed
            for student, pk in current.get(guardian.pk, ())
            if student in wanted[guardian.pk]
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)
        snapshot: dict[int, list] = {}
        for row in (*kept, *rows):
            snapshot.setdefault(row.guardian_id, []).append(row)
        history = Guardian.history.bulk_history_create(
            changed, batch_size=BATCH, update=True, **self.history
        )
        m2m_history = Guardian.history.model.students.model
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=row.pk,
                    guardian_id=row.guardian_id,
                    student_id=row.student_id,
                    history=record,
                )
                for record in history
                for row in snapshot.get(record.id, ())
            ],
            batch_size=BATCH,
        )


def _new_ids(ids: dict[str, int], existing: Iterable[str]) -> list[int]:
    return [pk for sid, pk in ids.items() if sid not in existing]
