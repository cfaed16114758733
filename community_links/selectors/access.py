"""The directory's and referrals' accessors: one object for this actor, 404 outside their
scope, logged when a student's referral is read (schoolwell.access.reach)."""

from community_links.models import Referral, Resource
from community_links.services.referrals import referral_from_token
from schoolwell import audit
from schoolwell.access import reach
from schoolwell.actor import Who


def resource_for(actor: Who, pk: int) -> Resource:
    return reach(Resource.objects.visible_to(actor).select_related("organization"), pk, actor=actor)


def referral_for(actor: Who, pk: int) -> Referral:
    """A referral of the actor's team, to change (its service records the change)."""
    scope = Referral.objects.visible_to(actor)
    return reach(scope.select_related("case", "resource__organization", "student"), pk, actor=actor)


def partner_referral_for(actor: Who, pk: int) -> Referral:
    """A referral to the partner's organisation, read in the portal (logged)."""
    scope = Referral.objects.for_partner(actor)
    return reach(
        scope.select_related("resource__organization", "student", "need"),
        pk,
        actor=actor,
        read="partner portal",
    )


def partner_resource_for(actor: Who, pk: int) -> Resource:
    scope = Resource.objects.for_partner(actor).select_related("organization")
    return reach(scope, pk, actor=actor)


def referral_by_link(token: str) -> Referral:
    """The referral a signed link opens, for a partner without an account: logged with the
    organisation and the address the link went to in place of a user. Raises
    signing.BadSignature for a forged, stale or expired link."""
    referral = referral_from_token(token)
    org = referral.resource.organization.name
    who = f"partner link: {org} <{referral.resource.referral_address}>"
    audit.access_log(user=None, actor=who, obj=referral, student=referral.student, reason="link")
    return referral
