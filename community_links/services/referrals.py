"""Referrals: sending (with consent, the don't-contact-home check, a disclosure row and a
chronology line) and every status change after it (each with who made it)."""

import datetime
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community_links.models import PartnerStaff, Referral, ReferralUpdate, Resource
from schoolwell import permissions
from schoolwell.audit import disclosure_record
from schoolwell.models import User
from support_team.models import Case, TimelineEntry
from support_team.services import timeline_add

# A student this old may consent alone (district policy; the Riverbend default).
STUDENT_CONSENT_MIN_AGE = 14
LINK_SALT = "community_links.referral-link"
LINK_MAX_AGE = datetime.timedelta(days=14)
DISCLOSURE_BASIS = "FERPA 34 CFR 99.30 (prior written consent)"
TEAM_ONLY_STATUSES = frozenset({Referral.Status.WITHDRAWN})


def _age(student, today: datetime.date) -> int | None:
    born = student.date_of_birth
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def student_may_consent(student) -> bool:
    age = _age(student, timezone.localdate())
    return age is not None and age >= STUDENT_CONSENT_MIN_AGE


def do_not_contact_guardians(student) -> list:
    return [g for g in student.guardians.all() if g.do_not_contact]


def _case_link(case: Case) -> str:
    return reverse("support_team:case", args=[case.pk]) + "#referrals"


def _shared(referral: Referral) -> list[str]:
    sections = [_("referral to %(resource)s") % {"resource": referral.resource.name}]
    if referral.share_name:
        sections.append(_("student's name"))
    if referral.share_contact:
        sections.append(_("contact route"))
    if referral.share_need and referral.need:
        sections.append(_("need: %(need)s") % {"need": referral.need.name})
    if referral.share_note and referral.note:
        sections.append(_("note to the partner"))
    return sections


@transaction.atomic
def referral_send(
    *,
    case: Case,
    resources: Iterable[Resource],
    by: User,
    consent_by: str,
    consent_name: str,
    need=None,
    share_name: bool = True,
    share_contact: bool = False,
    share_need: bool = True,
    share_note: bool = False,
    contact_route: str = "",
    contacts_family: bool = False,
    note: str = "",
    do_not_contact_checked: bool = False,
) -> list[Referral]:
    """Refer the case's student to each resource. Only the school's team, on an open case,
    with consent recorded: the family's, or the student's when old enough. A referral that
    would contact a family with a "don't contact home" guardian needs that flag confirmed.
    Each referral writes a disclosure row and a chronology line."""
    case = Case.objects.select_for_update().select_related("student", "school").get(pk=case.pk)
    if not permissions.can_refer(by, case):
        raise ValidationError(_("Only the school's support team refers from an open case."))
    resources = list(resources)
    if not resources:
        raise ValidationError({"resources": _("Pick at least one resource.")})
    student = case.student
    if consent_by == Referral.ConsentBy.STUDENT and not student_may_consent(student):
        raise ValidationError(
            {"consent_by": _("This student is too young to consent alone: ask the family.")}
        )
    if contacts_family and do_not_contact_guardians(student) and not do_not_contact_checked:
        raise ValidationError(
            {
                "do_not_contact_checked": _(
                    "A guardian must not be contacted at home: confirm you have checked how "
                    "the partner will reach the family safely."
                )
            }
        )
    if share_contact and not contact_route.strip():
        raise ValidationError({"contact_route": _("Say how the partner may reach the family.")})
    now = timezone.now()
    made = []
    for resource in resources:
        if not resource.live or not resource.accepts_electronic_referrals:
            raise ValidationError(
                _("%(name)s does not take referrals through SchoolWell.") % {"name": resource}
            )
        if case.referrals.filter(resource=resource, status__in=Referral.OPEN_STATUSES).exists():
            raise ValidationError(
                _("This case already has an open referral to %(name)s.") % {"name": resource}
            )
        referral = Referral(
            school=case.school,
            student=student,
            case=case,
            resource=resource,
            need=need,
            sent_at=now,
            sent_by=by,
            consent_by=consent_by,
            consent_name=consent_name,
            consent_at=now,
            share_name=share_name,
            share_contact=share_contact,
            share_need=share_need,
            share_note=share_note,
            contact_route=contact_route if share_contact else "",
            contacts_family=contacts_family,
            note=note,
        )
        referral.full_clean()
        referral.save()
        _record(referral, Referral.Status.SENT, note="", by=by, via=ReferralUpdate.Via.TEAM)
        disclosure_record(
            student=student,
            made_by=by,
            recipient=f"{resource.organization.name}: {resource.name}"[:200],
            contents=_shared(referral),
            basis=DISCLOSURE_BASIS,
            consent=f"{referral.get_consent_by_display()}: {consent_name}"[:200],
        )
        transaction.on_commit(partial(notify_partner, referral=referral))
        made.append(referral)
    return made


def _label(by: User | None, via: str, referral: Referral) -> str:
    if by is not None:
        name = str(by)
        if via == ReferralUpdate.Via.PORTAL:
            return f"{name} ({referral.resource.organization.name})"
        return name
    if via == ReferralUpdate.Via.LINK:
        return _("%(org)s (e-mailed link)") % {"org": referral.resource.organization.name}
    return "SchoolWell"


def _record(
    referral: Referral, status: str, *, note: str, by: User | None, via: str, shared: bool = False
) -> None:
    label = _label(by, via, referral)
    ReferralUpdate.objects.create(
        referral=referral,
        status=status,
        note=note,
        at=timezone.now(),
        by=by,
        by_label=label,
        via=via,
        shared=shared,
    )
    timeline_add(
        student=referral.student,
        school=referral.school,
        source=TimelineEntry.Source.REFERRAL,
        title=_("Referral to %(org)s: %(status)s (%(who)s)")
        % {
            "org": referral.resource.organization.name,
            "status": Referral.Status(status).label,
            "who": label,
        },
        categories=[referral.need.slug] if referral.need else [],
        actor=by,
        link=_case_link(referral.case),
    )


@transaction.atomic
def referral_status_change(
    *,
    referral: Referral,
    status: str,
    note: str = "",
    by: User | None,
    via: str,
    share: bool = False,
) -> Referral:
    """Move a referral to a status, with who did it and their note. A team member's note is
    private to the team unless `share` (its author's choice); a partner's note is always read
    by both sides. Partners (portal or link) may not withdraw it; their first answer stops the
    no-response clock. A closed referral answers no more through an e-mailed link."""
    referral = (
        # Lock only the referral row: PostgreSQL refuses FOR UPDATE on the nullable need join.
        Referral.objects.select_for_update(of=("self",))
        .select_related("resource__organization", "student", "school", "case", "need")
        .get(pk=referral.pk)
    )
    if status not in Referral.Status.values:
        raise ValidationError({"status": _("Pick a status from the list.")})
    partner = via in (ReferralUpdate.Via.PORTAL, ReferralUpdate.Via.LINK)
    if partner and status in TEAM_ONLY_STATUSES:
        raise ValidationError({"status": _("Only the school withdraws a referral.")})
    if partner and referral.status in TEAM_ONLY_STATUSES:
        # The school's withdrawal (consent taken back, say) is not the partner's to undo.
        raise ValidationError(_("The school has withdrawn this referral."))
    if via == ReferralUpdate.Via.LINK and not referral.is_open:
        raise ValidationError(_("This referral is closed; contact the school to reopen it."))
    if status == referral.status and not note.strip():
        raise ValidationError({"note": _("Change the status or write a note.")})
    referral.status = status
    if partner and referral.responded_at is None:
        referral.responded_at = timezone.now()
    referral.version += 1
    referral.full_clean()
    referral.save()
    _record(referral, status, note=note, by=by, via=via, shared=partner or share)
    return referral


# --- the partner's way in without an account -------------------------------------------------


def referral_link_token(referral: Referral) -> str:
    """A signed token for one referral; re-issuing bumps the nonce, so older links die."""
    return signing.dumps({"r": referral.pk, "n": referral.link_nonce}, salt=LINK_SALT)


def referral_from_token(token: str) -> Referral:
    """The referral a link is for. Raises signing.BadSignature (or SignatureExpired) for a
    forged, stale or expired link."""
    payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    # Signed by us but not shaped as referral_link_token makes it (another use of the salt,
    # another version of the code): a dead link, not a server error.
    if not isinstance(payload, dict) or not all(
        type(payload.get(key)) is int for key in ("r", "n")
    ):
        raise signing.BadSignature("not a referral link")
    referral = (
        Referral.objects.select_related("resource__organization", "student", "school", "need")
        .filter(pk=payload["r"], link_nonce=payload["n"])
        .first()
    )
    if referral is None:
        raise signing.BadSignature("referral link no longer valid")
    return referral


def notify_partner(*, referral: Referral) -> int:
    """Tell the partner a referral is waiting. Staff with accounts are pointed to the portal;
    an organisation without accounts gets a signed, expiring link. The e-mail names no
    student: the details are behind the sign-in or the link."""
    org = referral.resource.organization
    staff = list(
        PartnerStaff.objects.filter(organization=org, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if staff:
        link, recipients = f"{settings.SITE_URL}{reverse('partners:home')}", staff
    else:
        address = referral.resource.referral_address
        if not address:
            return 0
        token = referral_link_token(referral)
        link = f"{settings.SITE_URL}{reverse('partners:link', args=[token])}"
        recipients = [address]
    return send_mail(
        subject=_("New referral from %(school)s") % {"school": referral.school.name},
        message=_(
            "%(school)s has referred a student to %(resource)s.\n\nOpen it here: %(link)s\n\n"
            "This message leaves out every detail on purpose."
        )
        % {"school": referral.school.name, "resource": referral.resource.name, "link": link},
        from_email=None,
        recipient_list=recipients,
    )


@transaction.atomic
def referral_link_reissue(*, referral: Referral, by: User) -> Referral:
    """A new link for the partner (the old one stops working)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not permissions.is_team_at(by, referral.school_id):
        raise ValidationError(_("Only the school's support team sends partner links."))
    referral.link_nonce += 1
    referral.version += 1
    referral.save()
    transaction.on_commit(lambda: notify_partner(referral=referral))
    return referral
