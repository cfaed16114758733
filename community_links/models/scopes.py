"""What each actor may see of the directory and of referrals (`visible_to`), beside the
models they scope. The role logic they are made of is schoolwell.permissions'.

The directory is for the school teams; referrals are read by the team of the referring
school and, for their own organisation only, by partner staff of the same district.
Partners never reach a case, a note or a student record: only the referral's minimum."""

from django.db import models

from schoolwell import permissions
from schoolwell.actor import Who, as_actor
from schoolwell.models import School


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "ResourceQuerySet":
        """Published entries a team member may read: those of the districts of the schools
        where they are on the team, and the entries shared by every district."""
        if not permissions.can_search_resources(actor):
            return self.none()
        schools = permissions.school_ids(actor, permissions.TEAM_ROLES)
        districts = School.objects.filter(id__in=schools).values("district_id")
        return self.filter(live=True).filter(
            models.Q(district__isnull=True) | models.Q(district_id__in=districts)
        )

    def for_partner(self, actor: Who) -> "ResourceQuerySet":
        """The entries a partner may propose changes to: their organisation's."""
        if not permissions.is_partner(actor):
            return self.none()
        return self.filter(organization__staff__user_id=as_actor(actor).pk)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, actor: Who) -> "ReferralQuerySet":
        """Referrals made at a school where the actor is on the team."""
        return self.filter(school_id__in=permissions.school_ids(actor, permissions.TEAM_ROLES))

    def for_partner(self, actor: Who) -> "ReferralQuerySet":
        """Referrals to the partner's own organisation, from schools of its district."""
        if not permissions.is_partner(actor):
            return self.none()
        return self.filter(
            resource__organization__staff__user_id=as_actor(actor).pk,
            school__district_id__in=permissions.partner_district_ids(actor),
        )


class PartnerStaffQuerySet(models.QuerySet):
    def organization_ids(self, actor: Who) -> frozenset[int]:
        """Organisations this partner account answers for (read once per request)."""
        actor = as_actor(actor)
        if not permissions.is_partner(actor):
            return frozenset()
        if "partner_organization_ids" not in actor.memo:
            ids = self.filter(user_id=actor.pk).values_list("organization_id", flat=True)
            actor.memo["partner_organization_ids"] = frozenset(ids)
        return actor.memo["partner_organization_ids"]
