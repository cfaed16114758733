"""The core records every app builds on: who the students are, where they are enrolled, who
works where and in which role (access to them is decided in schoolwell.permissions), and the
catalogue several apps point at: the needs and the school service catalogue."""

from schoolwell.models.catalogue import GRADES, Category, Service
from schoolwell.models.files import StoredChunk, StoredFile
from schoolwell.models.people import (
    District,
    Enrollment,
    Guardian,
    Holiday,
    School,
    Student,
    User,
    default_country,
)
from schoolwell.models.records import (
    AccessLog,
    Disclosure,
    DisclosureQuerySet,
    LegalHold,
    PurgeRecord,
    RosterImport,
)
from schoolwell.models.roles import (
    DISTRICT_ROLES,
    SCHOOL_ROLES,
    Discipline,
    Membership,
    NoteLevel,
    Role,
)

__all__ = [
    "DISTRICT_ROLES",
    "GRADES",
    "SCHOOL_ROLES",
    "AccessLog",
    "Category",
    "Disclosure",
    "DisclosureQuerySet",
    "Discipline",
    "District",
    "Enrollment",
    "Guardian",
    "Holiday",
    "LegalHold",
    "Membership",
    "NoteLevel",
    "PurgeRecord",
    "Role",
    "RosterImport",
    "School",
    "Service",
    "StoredChunk",
    "StoredFile",
    "Student",
    "User",
    "default_country",
]
