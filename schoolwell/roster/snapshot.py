"""What is already in the database about the orgs and people a bundle names, read in a few
queries (by chunks of sourced ids, never one row at a time)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from allauth.account.models import EmailAddress

from schoolwell.models import District, Guardian, Membership, School, Student, User
from schoolwell.roster.orgs import DbOrgs
from schoolwell.roster.records import DbPeople, Parsed

# Well under every backend's limit on query parameters (SQLite's is 32,766 at the least).
CHUNK = 2000
T = TypeVar("T")


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def load_orgs() -> DbOrgs:
    districts = dict(District.objects.values_list("sourced_id", "id"))
    by_id = {pk: sid for sid, pk in districts.items()}
    schools = {
        sid: by_id[district_id]
        for sid, district_id in School.objects.values_list("sourced_id", "district_id")
    }
    return DbOrgs(districts=districts, schools=schools)


def load_people(parsed: Parsed, db_orgs: DbOrgs) -> DbPeople:
    """Students, guardians and roster memberships for every user the bundle names; every
    account's username and e-mail (the two must stay unique across the whole site)."""
    sids = sorted(parsed.users.keys() | parsed.missing_users.keys())
    people = DbPeople(
        district_ids=db_orgs.districts,
        district_sids={pk: sid for sid, pk in db_orgs.districts.items()},
        student_of_user=_students_of_users,
    )
    for batch in chunks(sids):
        for sid, pk, district_id, sis_id, user_id in Student.objects.filter(
            sourced_id__in=batch
        ).values_list("sourced_id", "id", "district_id", "sis_id", "user_id"):
            people.students[sid] = (pk, district_id, sis_id, user_id)
        people.guardians.update(
            Guardian.objects.filter(sourced_id__in=batch).values_list("sourced_id", "id")
        )
        people.members.update(
            Membership.objects.filter(sourced_id__in=batch).values_list("sourced_id", "user_id")
        )
    for pk, username, email in User.objects.values_list("id", "username", "email"):
        people.users_by_username[username] = pk
        if email:
            people.users_by_email[email.lower()] = pk
    people.verified = {
        (pk, email.lower())
        for pk, email in EmailAddress.objects.filter(verified=True).values_list("user_id", "email")
    }
    identifiers = sorted({user.identifier or user.sid for user in parsed.users.values()})
    for batch in chunks(identifiers):
        for sid, district_id, sis_id in Student.objects.filter(sis_id__in=batch).values_list(
            "sourced_id", "district_id", "sis_id"
        ):
            people.sis_owner[(district_id, sis_id)] = sid
    return people


def _students_of_users(user_ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for batch in chunks(sorted(set(user_ids))):
        found.update(Student.objects.filter(user_id__in=batch).values_list("user_id", "sourced_id"))
    return found
