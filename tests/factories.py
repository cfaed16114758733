import datetime

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password

from schoolwell.models import (
    District,
    Enrollment,
    Guardian,
    Membership,
    Role,
    School,
    Student,
    User,
)

PASSWORD = "correct horse battery staple"
PASSWORD_HASH = make_password(PASSWORD)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    sourced_id = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    sourced_id = factory.Sequence(lambda n: f"school-{n}")
    name = factory.Sequence(lambda n: f"School {n}")
    safeguarding_phone = "555-0100"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.example")
    username = factory.SelfAttribute("email")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = PASSWORD_HASH


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    district = factory.SubFactory(DistrictFactory)
    sourced_id = factory.Sequence(lambda n: f"student-{n}")
    sis_id = factory.Sequence(lambda n: f"S{n:06d}")
    legal_first_name = "Jordan"
    legal_last_name = factory.Sequence(lambda n: f"Learner{n}")
    date_of_birth = datetime.date(2012, 3, 4)
    grade = "07"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    student = factory.SubFactory(StudentFactory)
    school = factory.SubFactory(SchoolFactory)
    start_date = datetime.date(2025, 8, 18)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    sourced_id = factory.Sequence(lambda n: f"guardian-{n}")
    first_name = "Robin"
    last_name = factory.Sequence(lambda n: f"Family{n}")


def enrolled_student(school: School, **kwargs) -> Student:
    student = StudentFactory(district=school.district, **kwargs)
    EnrollmentFactory(student=student, school=school)
    return student


def member(
    role: str,
    *,
    school: School | None = None,
    district: District | None = None,
    discipline: str = "",
    mfa: bool = True,
    **user_kwargs,
) -> User:
    """A user holding one role. Staff get a TOTP authenticator unless mfa=False."""
    user = UserFactory(**user_kwargs)
    if role in (Role.DISTRICT_ANALYST, Role.DISTRICT_ADMIN, Role.PARTNER):
        Membership.objects.create(user=user, role=role, district=district or school.district)
    else:
        Membership.objects.create(user=user, role=role, school=school, discipline=discipline)
    if mfa and role != Role.STUDENT:
        TOTP.activate(user, generate_totp_secret())
    return user
