"""Who may sign in: the roster says whether an account is live (User.is_active); the
district says whether it is switched on (User.sign_in_enabled). An account a roster import
makes starts switched off, so a district can load its whole roster before anyone signs in;
it then switches accounts on by role (and every later arrival in that role comes on too) or
one by one. schoolwell/auth.py refuses an account with either switch off, everywhere a
session is made or restored."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from schoolwell.models import District, Role, User

# The roles a district switches on as a group, in the order its page lists them.
SWITCHABLE_ROLES = (
    Role.STUDENT,
    Role.TEACHER,
    Role.SUPPORT,
    Role.SAFEGUARDING_LEAD,
    Role.SCHOOL_ADMIN,
    Role.DISTRICT_ANALYST,
    Role.DISTRICT_ADMIN,
)


def members_of(district: District, roles: Iterable[str] | None = None) -> QuerySet[User]:
    """Accounts with a live membership at the district or one of its schools."""
    place = Q(memberships__district=district) | Q(memberships__school__district=district)
    found = User.objects.filter(place, memberships__active=True)
    if roles is not None:
        found = found.filter(memberships__role__in=list(roles))
    return found.distinct()


def switched_off(district: District) -> QuerySet[User]:
    return members_of(district).filter(sign_in_enabled=False).order_by("last_name", "first_name")


def set_roles(district: District, roles: Iterable[str]) -> int:
    """The district's roles switched on from now on; returns how many accounts came on."""
    district.sign_in_roles = sorted({str(role) for role in roles} & set(SWITCHABLE_ROLES))
    district.save(update_fields=["sign_in_roles"])
    return apply_roles([district])


def apply_roles(districts: Iterable[District]) -> int:
    """Switch on every switched-off account in a role its district has switched on (after
    an import, and when the district adds a role)."""
    switched = 0
    for district in districts:
        if district.sign_in_roles:
            waiting = members_of(district, district.sign_in_roles).filter(sign_in_enabled=False)
            switched += User.objects.filter(pk__in=waiting.values("pk")).update(
                sign_in_enabled=True
            )
    return switched


def switch_on(district: District, user_id: int) -> User | None:
    """One account, if it is a member of this district; None otherwise (nothing changes)."""
    user = members_of(district).filter(pk=user_id).first()
    if user is not None and not user.sign_in_enabled:
        user.sign_in_enabled = True
        user.save(update_fields=["sign_in_enabled"])
    return user
