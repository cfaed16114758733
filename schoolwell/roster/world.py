"""Where the people an import would change already are: their accounts, student records and
guardians as they stand, with every active membership and open enrollment. The scope checks
(fence.py) read this to decide whom an import governs. A few queries by chunks of ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from schoolwell.models import Enrollment, Guardian, Membership, Student, User
from schoolwell.roster.snapshot import chunks

SCHOOL, DISTRICT, STAFF = "school", "district", "staff"
Place = tuple[str, str]  # (SCHOOL, school sid) | (DISTRICT, district sid) | (STAFF, "")


@dataclass
class World:
    users: dict[int, User] = field(default_factory=dict)
    students: dict[str, Student] = field(default_factory=dict)  # by sourced id
    guardians: dict[str, Guardian] = field(default_factory=dict)  # by sourced id
    links: dict[str, set[str]] = field(default_factory=dict)  # guardian sid -> student sids
    student_of_user: dict[int, int] = field(default_factory=dict)  # account -> student pk
    user_places: dict[int, set[Place]] = field(default_factory=dict)
    student_places: dict[int, set[Place]] = field(default_factory=dict)  # by student pk

    def account_places(self, user_id: int) -> set[Place]:
        """Everywhere the holder of an account is: its active memberships (STAFF for Django
        staff and superusers) and the open enrollments of its student record."""
        student = self.student_of_user.get(user_id)
        found = set(self.user_places.get(user_id, set()))
        return found | (self.student_places.get(student, set()) if student else set())

    def student_places_of(self, student: Student) -> set[Place]:
        """Everywhere a student is: their open enrollments, and their account's places."""
        found = set(self.student_places.get(student.pk, set()))
        return found | (self.account_places(student.user_id) if student.user_id else set())


def load_world(
    *, user_ids: Iterable[int], student_sids: Iterable[str], guardian_sids: Iterable[str]
) -> World:
    world = World()
    for batch in chunks(sorted(set(guardian_sids))):
        world.guardians.update(
            (g.sourced_id, g) for g in Guardian.objects.filter(sourced_id__in=batch)
        )
        through = Guardian.students.through.objects.filter(guardian__sourced_id__in=batch)
        for guardian, student in through.values_list("guardian__sourced_id", "student__sourced_id"):
            world.links.setdefault(guardian, set()).add(student)
    linked = {s for students in world.links.values() for s in students}
    for batch in chunks(sorted(set(student_sids) | linked)):
        world.students.update(
            (s.sourced_id, s) for s in Student.objects.filter(sourced_id__in=batch)
        )
    accounts = set(user_ids) | {s.user_id for s in world.students.values() if s.user_id}
    for batch in chunks(sorted(accounts)):
        world.users.update((u.pk, u) for u in User.objects.filter(pk__in=batch))
        world.student_of_user.update(
            Student.objects.filter(user_id__in=batch).values_list("user_id", "id")
        )
        memberships = Membership.objects.filter(user_id__in=batch, active=True).values_list(
            "user_id", "school__sourced_id", "district__sourced_id"
        )
        for user_id, school, district in memberships:
            place = (SCHOOL, school) if school else (DISTRICT, district)
            world.user_places.setdefault(user_id, set()).add(place)
    for user in world.users.values():
        if user.is_staff or user.is_superuser:
            world.user_places.setdefault(user.pk, set()).add((STAFF, ""))
    student_ids = {s.pk for s in world.students.values()} | set(world.student_of_user.values())
    for batch in chunks(sorted(student_ids)):
        for student_id, school in Enrollment.objects.filter(
            student_id__in=batch, end_date__isnull=True
        ).values_list("student_id", "school__sourced_id"):
            world.student_places.setdefault(student_id, set()).add((SCHOOL, school))
    return world
