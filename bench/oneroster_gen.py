"""Write a synthetic OneRoster 1.2 CSV bundle shaped like a large district's bulk export.

Defaults: 50,000 users in one district of 30 schools (45,000 students, 3,000 teachers, two
administrators per school, guardians for the rest), five classes per teacher, six classes
per student, a role row per user and demographics for every student. Deterministic for a
given --seed, so two runs time the same work.

    .venv/bin/python bench/oneroster_gen.py OUT_DIR [--students N] [--teachers N] ...
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FILES = ("academicSessions", "classes", "demographics", "enrollments", "orgs", "roles", "users")
STAMP = "2026-08-01T00:00:00.000Z"
GIVEN = ["Ava", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lia"]
FAMILY = ["Ng", "Okafor", "Patel", "Quinn", "Rossi", "Silva", "Tran", "Ueda", "Vega", "Wu"]
USER_HEADER = [
    "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds",
    "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone",
    "agentSourcedIds", "grades", "password", "userMasterIdentifier", "resourceSourcedIds",
    "preferredGivenName", "preferredMiddleName", "preferredFamilyName",
    "primaryOrgSourcedId", "pronouns",
]  # fmt: skip


@dataclass(frozen=True)
class Shape:
    users: int = 50_000
    students: int = 45_000
    teachers: int = 3_000
    schools: int = 30
    admins_per_school: int = 2
    classes_per_teacher: int = 5
    classes_per_student: int = 6

    @property
    def guardians(self) -> int:
        return self.users - self.students - self.teachers - self.schools * self.admins_per_school


def generate(out: Path, shape: Shape = Shape(), seed: int = 2026) -> dict[str, int]:
    """Write the bundle into `out` and return the number of data rows per file."""
    if shape.guardians < 0:
        raise ValueError("more students, teachers and administrators than users")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    writers, handles = {}, []
    for name in FILES:
        handle = (out / f"{name}.csv").open("w", newline="", encoding="utf-8")
        handles.append(handle)
        writers[name] = csv.writer(handle, lineterminator="\r\n")
    try:
        counts = _write(writers, shape, rng)
    finally:
        for handle in handles:
            handle.close()
    _manifest(out)
    return counts


def _write(w: dict, shape: Shape, rng: random.Random) -> dict[str, int]:
    counts = dict.fromkeys(FILES, 0)

    def row(name: str, *values: object) -> None:
        w[name].writerow(values)
        counts[name] += 1

    def user(**fields: str) -> None:
        fields = {"status": "active", "dateLastModified": STAMP, "enabledUser": "true", **fields}
        row("users", *(fields.get(name, "") for name in USER_HEADER))

    _headers(w)
    row("orgs", "dst-1", "active", STAMP, "Riverbend Unified", "district", "RU", "")
    schools = [f"sch-{i:03d}" for i in range(shape.schools)]
    for i, school in enumerate(schools):
        row("orgs", school, "active", STAMP, f"School {i:03d}", "school", f"S{i:03d}", "dst-1")
    row("academicSessions", "sy-2027", "active", STAMP, "2026-27", "schoolYear",
        "2026-08-15", "2027-06-10", "", "2027")  # fmt: skip
    terms = [("2026-08-15", "2027-01-15"), ("2027-01-20", "2027-06-10")]
    for term, (start, end) in enumerate(terms):
        row("academicSessions", f"term-{term}", "active", STAMP, f"Term {term + 1}", "term",
            start, end, "sy-2027", "2027")  # fmt: skip

    classes_of = {school: [] for school in schools}
    people = 0

    def person(kind: str) -> tuple[str, str, str]:
        nonlocal people
        people += 1
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        return f"{kind}-{people:06d}", given, family

    for t in range(shape.teachers):
        school = schools[t % len(schools)]
        sid, given, family = person("tch")
        email = f"{given}.{family}.{sid}@riverbend.example".lower()
        user(sourcedId=sid, username=email, givenName=given, familyName=family, identifier=sid,
             email=email, primaryOrgSourcedId=school)  # fmt: skip
        row("roles", f"rol-{sid}", "active", STAMP, sid, "primary", "teacher", "", "", school, "")
        for c in range(shape.classes_per_teacher):
            klass = f"cls-{sid}-{c}"
            classes_of[school].append(klass)
            row("classes", klass, "active", STAMP, f"Class {klass}", "", "", "", "scheduled", "",
                school, f"term-{c % 2}", "", "", "")  # fmt: skip
            row("enrollments", f"enr-{klass}-t", "active", STAMP, klass, school, sid, "teacher",
                "true", "2026-08-15", "")  # fmt: skip

    for school in schools:
        for a in range(shape.admins_per_school):
            sid, given, family = person("adm")
            email = f"{given}.{family}.{sid}@riverbend.example".lower()
            user(sourcedId=sid, username=email, givenName=given, familyName=family,
                 identifier=sid, email=email, primaryOrgSourcedId=school)  # fmt: skip
            role = "principal" if a == 0 else "siteAdministrator"
            row("roles", f"rol-{sid}", "active", STAMP, sid, "primary", role, "", "", school, "")

    guardians = [f"grd-{g:06d}" for g in range(shape.guardians)]
    children: dict[str, list[str]] = {g: [] for g in guardians}
    birth_base = date(2008, 9, 1)
    for s in range(shape.students):
        school = schools[s % len(schools)]
        sid, given, family = person("stu")
        email = f"{sid}@students.riverbend.example"
        grade = f"{6 + s % 7:02d}"
        agents = ""
        if guardians and s % 23 < 2:  # about one student in twelve has a guardian rostered
            guardian = guardians[s % len(guardians)]
            children[guardian].append(sid)
            agents = guardian
        preferred = given[:2] if s % 10 == 0 else ""
        user(sourcedId=sid, username=sid, givenName=given, familyName=family,
             identifier=f"SIS{s:07d}", email=email, agentSourcedIds=agents, grades=grade,
             preferredGivenName=preferred, primaryOrgSourcedId=school)  # fmt: skip
        row("roles", f"rol-{sid}", "active", STAMP, sid, "primary", "student",
            "2026-08-15", "", school, "")  # fmt: skip
        born = birth_base + timedelta(days=s % 2500)
        row("demographics", sid, "active", STAMP, born.isoformat(), "female" if s % 2 else "male",
            "", "", "", "", "", "", "", "", "", "", "")  # fmt: skip
        for klass in rng.sample(classes_of[school], shape.classes_per_student):
            row("enrollments", f"enr-{klass}-{sid}", "active", STAMP, klass, school, sid,
                "student", "false", "2026-08-15", "")  # fmt: skip

    for guardian in guardians:
        _, given, family = person("grd")
        school = schools[0]  # guardians hold their role at their first child's school
        user(sourcedId=guardian, enabledUser="false", username=guardian, givenName=given,
             familyName=family, email=f"{guardian}@home.example", phone="555-0100",
             agentSourcedIds=",".join(children[guardian]))  # fmt: skip
        row("roles", f"rol-{guardian}", "active", STAMP, guardian, "primary", "guardian",
            "", "", school, "")  # fmt: skip
    return counts


HEADERS = {
    "orgs": "sourcedId status dateLastModified name type identifier parentSourcedId",
    "academicSessions": "sourcedId status dateLastModified title type startDate endDate "
    "parentSourcedId schoolYear",
    "classes": "sourcedId status dateLastModified title grades courseSourcedId classCode "
    "classType location schoolSourcedId termSourcedIds subjects subjectCodes periods",
    "enrollments": "sourcedId status dateLastModified classSourcedId schoolSourcedId "
    "userSourcedId role primary beginDate endDate",
    "users": " ".join(USER_HEADER),
    "roles": "sourcedId status dateLastModified userSourcedId roleType role beginDate endDate "
    "orgSourcedId userProfileSourcedId",
    "demographics": "sourcedId status dateLastModified birthDate sex "
    "americanIndianOrAlaskaNative asian blackOrAfricanAmerican "
    "nativeHawaiianOrOtherPacificIslander white demographicRaceTwoOrMoreRaces "
    "hispanicOrLatinoEthnicity countryOfBirthCode stateOfBirthAbbreviation cityOfBirth "
    "publicSchoolResidenceStatus",
}


def _headers(w: dict) -> None:
    for name, header in HEADERS.items():
        w[name].writerow(header.split())


def _manifest(out: Path) -> None:
    modes = {name: "bulk" for name in FILES}
    absent = ["categories", "classResources", "courseResources", "courses", "lineItems",
              "resources", "results", "userProfiles", "userResources"]  # fmt: skip
    with (out / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["propertyName", "value"])
        writer.writerow(["manifest.version", "1.0"])
        writer.writerow(["oneroster.version", "1.2"])
        for name in sorted([*modes, *absent]):
            writer.writerow([f"file.{name}", modes.get(name, "absent")])
        writer.writerow(["source.systemName", "oneroster_gen"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, default=Shape.users)
    parser.add_argument("--students", type=int, default=Shape.students)
    parser.add_argument("--teachers", type=int, default=Shape.teachers)
    parser.add_argument("--schools", type=int, default=Shape.schools)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    shape = Shape(args.users, args.students, args.teachers, args.schools)
    counts = generate(args.out, shape, args.seed)
    print(", ".join(f"{name}.csv {n} rows" for name, n in counts.items()))


if __name__ == "__main__":
    main()
