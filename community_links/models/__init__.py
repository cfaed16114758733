"""Community links: the resource directory (Open Referral HSDS 3.0, edited as Wagtail
snippets) and closed-loop referrals to community partners."""

from community_links.models.directory import (
    HsdsRecord,
    Language,
    Location,
    Organization,
    PartnerStaff,
    Phone,
    Resource,
    ResourceLocation,
    Schedule,
    SchoolLocation,
    TaxonomyTerm,
)
from community_links.models.referrals import Referral, ReferralUpdate

__all__ = [
    "HsdsRecord",
    "Language",
    "Location",
    "Organization",
    "PartnerStaff",
    "Phone",
    "Referral",
    "ReferralUpdate",
    "Resource",
    "ResourceLocation",
    "Schedule",
    "SchoolLocation",
    "TaxonomyTerm",
]
