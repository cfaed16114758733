"""Reads of referrals: the case panel, the team member's referrals needing attention (the
no-response clocks, computed at read time with one holiday query), and the partner portal."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from community_links.models import Referral, ReferralUpdate
from schoolwell import calendar
from schoolwell.models import User

FLAG_AFTER_SCHOOL_DAYS = 2
ESCALATE_AFTER_SCHOOL_DAYS = 5


def case_referrals(*, user: User, case) -> QuerySet[Referral]:
    return (
        Referral.objects.visible_to(user)
        .filter(case=case)
        .select_related("resource__organization", "sent_by", "need")
        .prefetch_related(Prefetch("updates", queryset=ReferralUpdate.objects.select_related("by")))
    )


@dataclass
class Waiting:
    referral: Referral
    school_days: int

    @property
    def escalated(self) -> bool:
        return self.school_days >= ESCALATE_AFTER_SCHOOL_DAYS

    @property
    def flagged(self) -> bool:
        return self.school_days >= FLAG_AFTER_SCHOOL_DAYS


def awaiting_response(qs: QuerySet[Referral], *, now: datetime.datetime) -> QuerySet:
    """Sent, no partner answer, and at least two calendar days old (two school days are at
    least that): the candidates for the clocks."""
    return qs.filter(
        status=Referral.Status.SENT,
        responded_at__isnull=True,
        sent_at__lte=now - datetime.timedelta(days=FLAG_AFTER_SCHOOL_DAYS),
    )


def with_school_days(referrals: list[Referral], *, now: datetime.datetime) -> list[Waiting]:
    """School days each referral has waited, reading the holidays of every school involved
    in one query."""
    if not referrals:
        return []
    start = min(timezone.localtime(r.sent_at).date() for r in referrals)
    schools = list({r.school_id: r.school for r in referrals}.values())
    closed = calendar.closed_days_by_school(
        schools=schools, start=start, end=timezone.localtime(now).date()
    )
    waiting = [
        Waiting(
            r,
            calendar.school_days_between(
                school=r.school, start=r.sent_at, end=now, closed=closed[r.school_id]
            ),
        )
        for r in referrals
    ]
    return [w for w in waiting if w.school_days >= FLAG_AFTER_SCHOOL_DAYS]


def caseload_referrals(*, user: User, now: datetime.datetime | None = None) -> list[Waiting]:
    """Referrals on the user's cases (as lead or member) with no partner answer after two
    school days (flagged) or five (escalated), oldest first."""
    now = now or timezone.now()
    qs = awaiting_response(
        Referral.objects.visible_to(user).filter(Q(case__lead=user) | Q(case__members=user)),
        now=now,
    )
    referrals = list(
        qs.distinct()
        .select_related("resource__organization", "student", "school", "case")
        .order_by("sent_at", "pk")
    )
    return with_school_days(referrals, now=now)


def partner_referrals(*, user: User, status: str = "") -> QuerySet[Referral]:
    qs = Referral.objects.for_partner(user).select_related(
        "resource__organization", "student", "need", "school"
    )
    if status == "open":
        qs = qs.filter(status__in=Referral.OPEN_STATUSES)
    elif status == "closed":
        qs = qs.filter(status__in=Referral.CLOSED_STATUSES)
    return qs.order_by("-sent_at", "-pk")


def partner_view(referral: Referral) -> dict:
    """Only what the consent allows the partner to see (never the case, notes or record)."""
    return {
        "pk": referral.pk,
        "resource": referral.resource.name,
        "school": referral.school.name,
        "sent_at": referral.sent_at,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "name": referral.student.display_name if referral.share_name else None,
        "contact_route": referral.contact_route if referral.share_contact else None,
        "need": referral.need.name if referral.share_need and referral.need else None,
        "note": referral.note if referral.share_note else None,
        "consent_by": referral.get_consent_by_display(),
    }


def partner_steps(referral: Referral) -> list[dict]:
    """The referral's steps as the partner (portal or signed link) may see them: every status
    change, but a note only where it was shared with the partner. The note of a private step
    never reaches the template, so no page can show it by mistake."""
    return [
        {
            "status": update.status,
            "get_status_display": update.get_status_display(),
            "by_label": update.by_label,
            "at": update.at,
            "note": update.note if update.shared else "",
        }
        for update in referral.updates.all()
    ]
