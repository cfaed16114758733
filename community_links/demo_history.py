"""A year and a half of community referrals from the demo schools' past cases, so the trends
chart of referrals sent and completed has shape when someone first opens it: the cases whose
needs a partner in the demo directory meets are referred there (food to the food bank,
housing to the family centre, worries to youth counseling), by the case's lead with the
family's consent; the partner answered most, the family got help in most of those, and the
last weeks' referrals are still open.

Made in bulk with their history rows, written as referral_send() and the partner's status
changes would have written them (the referral, its status updates and the disclosure row;
schoolwell.demo explains why in bulk). Deterministic from the seed and run once."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from community_links.models import Referral, ReferralUpdate, Resource
from community_links.services.referrals import DISCLOSURE_BASIS, _label, _shared
from schoolwell.demo import pick
from schoolwell.models import Disclosure, Guardian
from support_team.models import Case

MARK = "Demo history"
# need -> the demo directory's services that meet it (demo.RESOURCES names)
PARTNERS = {
    "food-insecurity": ["Family Food Pantry", "Weekend Backpack Meals"],
    "housing": ["Family Support and Housing Help", "Family Emergency Shelter"],
    "family-home": ["Family Support and Housing Help"],
    "emotional-wellbeing": ["Teen Counseling"],
    "self-harm": ["Teen Counseling"],
    "substance-use": ["Teen Counseling"],
    "health": ["Sliding-Scale Family Clinic"],
    "academic": ["Homework Help"],
}
SHARE = 0.55  # of the cases with such a need that are referred
# How a partner's referral ended, after it answered.
ENDED = [("got_help", 62), ("referred_elsewhere", 6), ("couldnt_contact", 10)]
ENDED += [("not_eligible", 5), ("no_capacity", 5), ("no_longer_interested", 8)]
ENDED += [("withdrawn", 4)]
OPEN = [("sent", 40), ("accepted", 45), ("needs_client_action", 15)]
STILL_OPEN_DAYS = 70  # referrals sent in these last days are still open


def seed(*, seed: int = 2026) -> int:
    if Referral.history.filter(history_change_reason=MARK).exists():
        return 0
    cases = list(
        Case.history.filter(history_change_reason=MARK, history_type="+")
        .order_by("id")
        .values_list("id", flat=True)
    )
    resources = {r.name: r for r in Resource.objects.filter(live=True).select_related(
        "organization")}  # fmt: skip
    if not cases or not resources:
        return 0
    rng = random.Random(seed + 3)
    now = timezone.now()
    guardians = _guardians()
    referrals = []
    rows = (
        Case.objects.filter(pk__in=cases)
        .select_related("student", "lead")
        .prefetch_related("needs")
        .order_by("pk")
    )
    for case in rows:
        needs = [n for n in case.needs.all() if n.slug in PARTNERS]
        if not needs or rng.random() > SHARE:
            continue
        need = needs[0]
        names = [n for n in PARTNERS[need.slug] if n in resources]
        if not names:
            continue
        sent = case.opened_at + timedelta(days=rng.randrange(1, 21), hours=rng.randrange(4))
        if sent >= (case.closed_at or now) - timedelta(hours=1):
            continue
        consent = guardians.get(case.student_id, "Parent or guardian")
        referrals.append(
            Referral(
                school_id=case.school_id,
                student=case.student,
                case=case,
                resource=resources[rng.choice(names)],
                need=need,
                sent_at=sent,
                sent_by=case.lead,
                consent_by=Referral.ConsentBy.FAMILY,
                consent_name=consent,
                consent_at=sent,
                contacts_family=True,
                share_contact=True,
                contact_route=f"call {consent} at home",
                status=_status(rng, case, sent, now),
            )
        )
    for referral in referrals:
        if referral.status != Referral.Status.SENT:
            referral.responded_at = referral.sent_at + timedelta(days=rng.randrange(1, 6))
    bulk_create_with_history(referrals, Referral, batch_size=500, default_change_reason=MARK)
    _updates(rng, referrals)
    return len(referrals)


def _guardians() -> dict[int, str]:
    """student id -> the name of a guardian who may be contacted."""
    found: dict[int, str] = {}
    links = Guardian.students.through.objects.filter(guardian__do_not_contact=False)
    for student, first, last in links.order_by("pk").values_list(
        "student_id", "guardian__first_name", "guardian__last_name"
    ):
        found.setdefault(student, f"{first} {last}")
    return found


def _status(rng, case, sent, now) -> str:
    if case.closed_at is None and now - sent < timedelta(days=STILL_OPEN_DAYS):
        return pick(rng, OPEN)
    return pick(rng, ENDED)


def _updates(rng, referrals: list[Referral]) -> None:
    """The status lines: "sent" by the lead, then the partner's answers through its portal
    (accepted, then how it ended) and the disclosure of what was shared."""
    updates, disclosures = [], []
    with translation.override(settings.LANGUAGE_CODE):
        for referral in referrals:
            steps = [(Referral.Status.SENT, referral.sent_at, ReferralUpdate.Via.TEAM)]
            if referral.responded_at:
                steps.append(("accepted", referral.responded_at, ReferralUpdate.Via.LINK))
            if referral.status not in ("sent", "accepted"):
                later = (referral.responded_at or referral.sent_at) + timedelta(
                    days=rng.randrange(3, 30)
                )
                via = (
                    ReferralUpdate.Via.TEAM
                    if referral.status == "withdrawn"
                    else ReferralUpdate.Via.LINK
                )
                steps.append((referral.status, min(later, timezone.now()), via))
            for status, at, via in steps:
                by = referral.sent_by if via == ReferralUpdate.Via.TEAM else None
                updates.append(
                    ReferralUpdate(
                        referral=referral,
                        status=status,
                        at=at,
                        by=by,
                        by_label=_label(by, via, referral),
                        via=via,
                    )
                )
            disclosures.append(
                Disclosure(
                    student=referral.student,
                    made_by=referral.sent_by,
                    recipient=f"{referral.resource.organization.name}: {referral.resource.name}"[
                        :200
                    ],
                    contents="\n".join(_shared(referral)),
                    basis=DISCLOSURE_BASIS,
                    consent=f"{referral.get_consent_by_display()}: {referral.consent_name}"[:200],
                )
            )
    bulk_create_with_history(updates, ReferralUpdate, batch_size=500, default_change_reason=MARK)
    made = bulk_create_with_history(
        disclosures, Disclosure, batch_size=500, default_change_reason=MARK
    )
    for disclosure, referral in zip(made, referrals, strict=True):  # "at" is stamped "now"
        disclosure.at = referral.sent_at
    Disclosure.objects.bulk_update(made, ["at"], batch_size=500)
