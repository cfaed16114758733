"""The school of bench/concerns.py: --students students (60,000 by default) enrolled at one
school, a teacher, and the queries that teacher types into the student search."""

from __future__ import annotations

import random
from datetime import date, timedelta

BATCH = 5000
SEARCHES = 200
WARMUP = 20


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words("""
Aaliyah Aarav Abigail Adrian Aiden Aisha Alejandro Alexander Alice Amara Amelia Ana Andre
Angel Anika Aria Arjun Ava Axel Ayaan Beatriz Benjamin Bianca Brandon Brianna Bryce Caleb
Camila Carlos Carmen Carter Chen Chloe Christopher Clara Daniel Dante David Deja Diego Dmitri
Eduardo Elena Eli Elijah Ella Emily Emma Esperanza Ethan Eva Ezra Fatima Felix Fernanda Finn
Gabriel Gabriela Grace Hana Hannah Harper Hassan Hector Henry Hugo Ibrahim Imani Isaac Isabella
Isla Ivan Jack Jada Jalen Jamal James Jasmine Javier Jayden Jin Jordan Jose Joseph Joshua Juan
Julia Kai Kayla Keisha Kenji Kevin Khadija Kofi Layla Leah Leila Leo Liam Lily Lucas Lucia Luis
Luna Madison Malik Maria Mariam Marcus Mason Mateo Maya Mei Mia Miguel Mohammed Naomi Nathan
Nia Noah Nora Olivia Omar Oscar Priya Rafael Ravi Rosa Ryan Samir Samuel Santiago Sara Sebastian
Sofia Sophia Tariq Thanh Theo Tomas Valentina Victoria William Xavier Yara Yusuf Zara Zoe
""")
LAST_NAMES = words("""
Abbott Adams Adeyemi Aguilar Ahmed Ali Allen Alvarez Anderson Baker Banerjee Barnes Bell
Bennett Brooks Brown Bui Butler Campbell Carter Castillo Castro Chang Chavez Chen Clark Cohen
Coleman Collins Cook Cooper Cruz Davis Diaz Dixon Do Edwards Evans Fernandez Fischer Flores
Foster Garcia Gomez Gonzalez Gordon Graham Gray Green Gupta Gutierrez Hall Harris Hayes
Hernandez Herrera Hill Ho Hoang Howard Hughes Huynh Ibrahim Jackson James Jenkins Jimenez
Johnson Jones Kaur Kelly Khan Kim Kowalski Kumar Le Lee Lewis Li Lin Liu Lopez Martin Martinez
Mendoza Meyer Miller Mitchell Moore Morales Morgan Morris Murphy Myers Nguyen Nelson Novak
Nwosu Obi Okafor Okonkwo Olsen Ortiz Owens Park Parker Patel Perez Perry Peterson Pham
Phillips Powell Price Ramirez Ramos Reed Reyes Richardson Rivera Roberts Robinson Rodriguez
Rogers Romero Ross Ruiz Russell Sanchez Sanders Santos Schmidt Scott Shah Silva Singh Smith
Stewart Sullivan Tanaka Taylor Thomas Thompson Torres Tran Turner Vargas Vasquez Vu Walker
Wang Ward Washington Watson White Williams Wilson Wong Wright Wu Yamamoto Yang Young Zhang Zhou
""")


def build_school(n_students: int, rng: random.Random):
    from django.contrib.auth.hashers import make_password

    from schoolwell.models import District, Enrollment, Membership, Role, School, Student, User

    district = District.objects.create(sourced_id="bench-district", name="Bench District")
    school = School.objects.create(district=district, sourced_id="bench-school", name="Bench High")
    sis_ids = rng.sample(range(1_000_000, 9_999_999), n_students)
    grades = ["06", "07", "08", "09", "10", "11", "12"]
    people = []
    for i in range(0, n_students, BATCH):
        batch = []
        for n in range(i, min(i + BATCH, n_students)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if rng.random() < 0.08:  # double-barrelled surnames exist
                last = f"{last}-{rng.choice(LAST_NAMES)}"
            preferred = rng.choice(FIRST_NAMES) if rng.random() < 0.05 else ""
            batch.append(
                Student(
                    district=district,
                    sourced_id=f"bench-student-{n}",
                    sis_id=str(sis_ids[n]),
                    legal_first_name=first,
                    legal_last_name=last,
                    preferred_name=preferred,
                    date_of_birth=date(2008, 9, 1) + timedelta(days=rng.randrange(2500)),
                    grade=rng.choice(grades),
                )
            )
            people.append((first, last, str(sis_ids[n])))
        Student.objects.bulk_create(batch, batch_size=BATCH)
    student_ids = list(Student.objects.filter(district=district).values_list("id", flat=True))
    start = date(2025, 8, 18)
    for i in range(0, len(student_ids), BATCH):
        Enrollment.objects.bulk_create(
            [
                Enrollment(student_id=sid, school=school, start_date=start)
                for sid in student_ids[i : i + BATCH]
            ],
            batch_size=BATCH,
        )
    teacher = User.objects.create(
        username="teacher@bench.example",
        email="teacher@bench.example",
        first_name="Pat",
        last_name="Teacher",
        password=make_password(None),
    )
    Membership.objects.create(user=teacher, role=Role.TEACHER, school=school)
    return school, teacher, student_ids, people


def search_queries(people: list[tuple[str, str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query): what a teacher types, every query taken from a name or id that exists."""

    def fragment(word: str) -> str:
        word = word.split("-")[0]
        size = rng.randint(2, min(5, len(word)))
        at = 0 if rng.random() < 0.6 else rng.randrange(len(word) - size + 1)
        return word[at : at + size].lower()

    queries = []
    for i in range(SEARCHES + WARMUP):
        first, last, sis = rng.choice(people)
        roll = i % 10
        if roll < 6:
            queries.append(("name fragment (2-5 letters)", fragment(rng.choice([first, last]))))
        elif roll < 8:
            size = rng.randint(3, 6)
            at = rng.randrange(len(sis) - size + 1)
            queries.append(("SIS id fragment (3-6 digits)", sis[at : at + size]))
        else:
            queries.append(
                ('"first last"', f"{first.lower()} {last[: rng.randint(2, len(last))].lower()}")
            )
    return queries
