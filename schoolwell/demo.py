"""A realistic demo district, built deterministically from a seed and idempotently: running it
twice changes nothing. Other apps add their own demo history on top of these people."""

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from schoolwell import calendar
from schoolwell.models import (
    Discipline,
    District,
    Enrollment,
    Guardian,
    Membership,
    Role,
    School,
    Student,
    User,
)

# A fixed TOTP secret for the demo accounts only, so the demo is usable at once:
# `manage.py demo_totp` prints the current code. Never used outside seed_demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_DOMAIN = "riverbend.example"
DISTRICT_ID = "demo-district"
YEAR_START = date(2025, 8, 18)
LAST_YEAR_START = date(2024, 8, 19)
LAST_YEAR_END = date(2025, 6, 6)

FIRST_NAMES = (  # noqa: SIM905 (a list literal would be 60 lines)
    "Olivia Liam Emma Noah Ava Mateo Sofia Elijah Isabella Lucas Mia Santiago Amara Ethan "
    "Camila Aiden Harper Diego Layla Jayden Valentina Kai Zoe Omar Chloe Leo Aaliyah Mason "
    "Nora Malik Grace Hiroshi Lina Daniel Ximena Samuel Fatima Caleb Hannah Gabriel Aisha "
    "Owen Luna Isaac Mariana Jamal Ruby Andres Priya Wyatt Hazel Tomas Nia Julian Ivy Ahmed "
    "Stella Carlos Maya "
).split()
LAST_NAMES = (  # noqa: SIM905
    "Garcia Smith Johnson Martinez Nguyen Williams Hernandez Brown Lopez Jones Davis "
    "Rodriguez Miller Wilson Gonzalez Anderson Thomas Perez Taylor Moore Jackson Sanchez Lee "
    "Ramirez White Harris Clark Tran Lewis Robinson Walker Flores Young Allen King Rivera "
    "Wright Torres Hill Scott Nguyen Green Adams Baker Nelson Diaz Carter Mitchell Cruz "
    "Roberts Ali Patel Kim Osei "
).split()
LANGUAGES = [
    ("English", 70),
    ("Spanish", 22),
    ("Vietnamese", 3),
    ("Arabic", 2),
    ("Somali", 2),
    ("Mandarin", 1),
]


@dataclass(frozen=True)
class SchoolSpec:
    key: str
    name: str
    level: str
    grades: tuple[str, ...]
    students: int
    phone: str


SCHOOLS = (
    SchoolSpec(
        "es",
        "Riverbend Elementary School",
        School.Level.ELEMENTARY,
        ("KG", "01", "02", "03", "04", "05"),
        600,
        "555-0101",
    ),
    SchoolSpec(
        "ms", "Maple Middle School", School.Level.MIDDLE, ("06", "07", "08"), 450, "555-0102"
    ),
    SchoolSpec(
        "hs", "Riverbend High School", School.Level.HIGH, ("09", "10", "11", "12"), 450, "555-0103"
    ),
)

# One demo account per role (all at the middle school unless district-wide), listed in README.
DEMO_ACCOUNTS = (
    ("teacher", "Tara", "Teacher", Role.TEACHER, ""),
    ("student", "Sam", "Student", Role.STUDENT, ""),
    ("socialworker", "Sofia", "Social-Worker", Role.SUPPORT, Discipline.SOCIAL_WORKER),
    ("counselor", "Chris", "Counselor", Role.SUPPORT, Discipline.COUNSELOR),
    ("psychologist", "Priya", "Psychologist", Role.SUPPORT, Discipline.PSYCHOLOGIST),
    ("nurse", "Nadia", "Nurse", Role.SUPPORT, Discipline.NURSE),
    ("teamadmin", "Alex", "Assistant-Principal", Role.SUPPORT, Discipline.ADMINISTRATOR),
    ("lead", "Lena", "Lead", Role.SAFEGUARDING_LEAD, ""),
    ("schooladmin", "Omar", "Office", Role.SCHOOL_ADMIN, ""),
    ("analyst", "Dana", "Analyst", Role.DISTRICT_ANALYST, ""),
    ("districtadmin", "Drew", "District", Role.DISTRICT_ADMIN, ""),
    ("partner", "Pat", "Partner", Role.PARTNER, ""),
)
DEMO_SCHOOL = "ms"


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _grade_age(grade: str) -> int:
    return 5 if grade == "KG" else 5 + int(grade)


@transaction.atomic
def seed(*, seed: int = 2026) -> dict[str, int]:
    """Build (or complete) the demo district. Returns how many rows of each kind were made."""
    rng = random.Random(seed)
    made = {"students": 0, "guardians": 0, "staff": 0}
    district, _ = District.objects.get_or_create(
        sourced_id=DISTRICT_ID, defaults={"name": "Riverbend Unified School District"}
    )
    schools = {}
    for spec in SCHOOLS:
        schools[spec.key], _ = School.objects.get_or_create(
            sourced_id=f"demo-{spec.key}",
            defaults={
                "district": district,
                "name": spec.name,
                "level": spec.level,
                "identifier": spec.key.upper(),
                "safeguarding_phone": spec.phone,
            },
        )
    made["students"], made["guardians"] = _seed_students(rng, district, schools)
    made["staff"] = _seed_staff(rng, district, schools)
    return made


def _seed_students(
    rng: random.Random, district: District, schools: dict[str, School]
) -> tuple[int, int]:
    existing = set(Student.objects.filter(district=district).values_list("sourced_id", flat=True))
    students, enrollments, guardians, links = [], [], [], []
    number = 0
    for spec in SCHOOLS:
        for i in range(spec.students):
            number += 1
            grade = spec.grades[i % len(spec.grades)]
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            language = _weighted(rng, LANGUAGES)
            born = date(YEAR_START.year - _grade_age(grade) - 1, 9, 1) + timedelta(
                days=rng.randrange(365)
            )
            flags = {
                "mckinney_vento": rng.random() < 0.03,
                "foster_care": rng.random() < 0.01,
                "english_learner": language != "English" and rng.random() < 0.6,
                "iep": rng.random() < 0.13,
                "section_504": rng.random() < 0.04,
            }
            sourced_id = f"demo-stu-{number:04d}"
            guardian_count = 1 if rng.random() < 0.35 else 2
            guardian_rows = [
                (
                    rng.choice(FIRST_NAMES),
                    last if g == 0 else rng.choice(LAST_NAMES),
                    rng.random() < 0.02,
                )
                for g in range(guardian_count)
            ]
            moved_up = grade in ("06", "09")
            if sourced_id in existing:
                continue
            student = Student(
                district=district,
                sourced_id=sourced_id,
                sis_id=f"S{100000 + number}",
                legal_first_name=first,
                legal_last_name=last,
                preferred_name=rng.choice(["", "", "", first[:3]]) if len(first) > 4 else "",
                email=f"s{100000 + number}@{DEMO_DOMAIN}",
                date_of_birth=born,
                grade=grade,
                home_language=language,
                **flags,
            )
            students.append(student)
            if moved_up:  # last year at the feeder school: the history a transfer packet reads
                feeder = schools["es" if grade == "06" else "ms"]
                enrollments.append(
                    Enrollment(
                        student=student,
                        school=feeder,
                        start_date=LAST_YEAR_START,
                        end_date=LAST_YEAR_END,
                        exit_reason="Promoted",
                    )
                )
            enrollments.append(
                Enrollment(student=student, school=schools[spec.key], start_date=YEAR_START)
            )
            for g, (gfirst, glast, no_contact) in enumerate(guardian_rows):
                guardian = Guardian(
                    sourced_id=f"demo-gdn-{number:04d}-{g}",
                    first_name=gfirst,
                    last_name=glast,
                    relationship=rng.choice(["parent", "parent", "guardian", "relative"]),
                    phone=f"555-{rng.randrange(1000, 9999)}",
                    email=f"family{number}.{g}@mail.example",
                    do_not_contact=no_contact,
                )
                guardians.append(guardian)
                links.append((student, guardian))
    bulk_create_with_history(students, Student, batch_size=500)
    bulk_create_with_history(enrollments, Enrollment, batch_size=500)
    bulk_create_with_history(guardians, Guardian, batch_size=500)
    Guardian.students.through.objects.bulk_create(
        [Guardian.students.through(student_id=s.pk, guardian_id=g.pk) for s, g in links],
        batch_size=500,
    )
    return len(students), len(guardians)


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once: a hundred separate PBKDF2 runs would make the seed take half a minute.
    return make_password(settings.DEMO_PASSWORD)


def _staff_user(local: str, first: str, last: str) -> tuple[User, bool]:
    return User.objects.get_or_create(
        email=demo_email(local),
        defaults={
            "username": demo_email(local),
            "first_name": first,
            "last_name": last.replace("-", " "),
            "password": _demo_password_hash(),
        },
    )


def _ensure_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def _seed_staff(rng: random.Random, district: District, schools: dict[str, School]) -> int:
    made = 0
    for local, first, last, role, discipline in DEMO_ACCOUNTS:
        user, created = _staff_user(local, first, last)
        made += created
        if role == Role.STUDENT:
            student = (
                Student.objects.filter(district=district, grade="07", user__isnull=True)
                .order_by("pk")
                .first()
            )
            if created and student:
                student.user = user
                student.save()
            Membership.objects.get_or_create(user=user, role=role, school=schools[DEMO_SCHOOL])
            continue
        _ensure_totp(user)
        if role in (Role.DISTRICT_ANALYST, Role.DISTRICT_ADMIN, Role.PARTNER):
            Membership.objects.get_or_create(user=user, role=role, district=district)
        else:
            Membership.objects.get_or_create(
                user=user,
                role=role,
                school=schools[DEMO_SCHOOL],
                defaults={"discipline": discipline},
            )
    admin, created = _staff_user("admin", "Ada", "Admin")
    if created:
        admin.is_staff = admin.is_superuser = True
        admin.save()
    _ensure_totp(admin)
    made += created
    # A full team at every school, so queues and caseloads look like a real district.
    for spec in SCHOOLS:
        for n in range(24):
            user, created = _staff_user(
                f"{spec.key}.teacher{n:02d}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            )
            made += created
            Membership.objects.get_or_create(user=user, role=Role.TEACHER, school=schools[spec.key])
        for discipline in Discipline.values:
            user, created = _staff_user(
                f"{spec.key}.{discipline}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            )
            made += created
            Membership.objects.get_or_create(
                user=user,
                role=Role.SUPPORT,
                school=schools[spec.key],
                defaults={"discipline": discipline},
            )
        user, created = _staff_user(
            f"{spec.key}.lead", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        )
        made += created
        Membership.objects.get_or_create(
            user=user, role=Role.SAFEGUARDING_LEAD, school=schools[spec.key]
        )
    return made


# --- helpers for the apps' past demo records (concerns, check-ins, cases, referrals) -----------
# Past records are made in bulk with their history rows, over the months the trends dashboard
# shows by default, once per database: made one by one through the services they would slow
# `make demo` by tens of seconds, and past events have nobody left to notify.

HISTORY_MONTHS = 18


def pick(rng: random.Random, weights: dict | list):
    """One option drawn by weight, from {option: weight} or [(option, weight), ...]."""
    options = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def history_start(today: date, months: int = HISTORY_MONTHS) -> date:
    """The first day of the month `months - 1` months before today's."""
    start = today.replace(day=1)
    for _month in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start


def history_window(schools: list[School]) -> tuple[date, date, dict[int, set[date]]]:
    """What every demo history module walks: today, the first day of its history, and each
    school's closed days in between."""
    today = timezone.localdate()
    first = history_start(today)
    return today, first, calendar.closed_days_by_school(schools=schools, start=first, end=today)


def demo_schools() -> list[School]:
    return list(School.objects.filter(sourced_id__startswith="demo-").order_by("pk"))


def enrolments(schools: list[School]) -> dict[int, list[tuple]]:
    """school id -> (student id, grade, start, end) of every enrolment there."""
    found: dict[int, list[tuple]] = {school.pk: [] for school in schools}
    rows = Enrollment.objects.filter(school__in=schools).order_by("pk")
    for school_id, student, grade, start, end in rows.values_list(
        "school_id", "student_id", "student__grade", "start_date", "end_date"
    ):
        found[school_id].append((student, grade, start or date.min, end or date.max))
    return found


def add_m2m_with_history(model, field: str, objects: list, chosen: list[list]) -> None:
    """Link each of `objects` (just bulk-created with history) to its `chosen` rows through
    the many-to-many `field`, with the copy on each object's creation history row, as
    field.set() would have written them on a history-tracked model."""
    through = getattr(model, field).through
    own = through._meta.get_field(model._meta.model_name).attname  # e.g. "concern_id"
    other = next(
        f.attname for f in through._meta.concrete_fields if f.is_relation and f.attname != own
    )
    through.objects.bulk_create(
        [
            through(**{own: obj.pk, other: row.pk})
            for obj, rows in zip(objects, chosen, strict=True)
            for row in rows
        ],
        batch_size=500,
    )
    m2m_history = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field}")
    pks = [obj.pk for obj in objects]
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        created = dict(
            model.history.filter(id__in=chunk, history_type="+").values_list("id", "history_id")
        )
        links = through.objects.filter(**{f"{own}__in": chunk}).values_list("id", own, other)
        m2m_history.objects.bulk_create(
            [
                m2m_history(**{"id": pk, own: o, other: r, "history_id": created[o]})
                for pk, o, r in links
            ],
            batch_size=500,
        )
