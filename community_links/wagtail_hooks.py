"""The directory in the CMS: resources with drafts, revisions and publishing (partner
proposals arrive as draft revisions for district staff to review), organisations, locations,
taxonomy-to-need mapping, school locations and partner staff links."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from community_links.models import (
    Location,
    Organization,
    PartnerStaff,
    Resource,
    SchoolLocation,
    TaxonomyTerm,
)


class ResourceViewSet(SnippetViewSet):
    model = Resource
    icon = "help"
    menu_label = "Resources"
    list_display = ["name", "organization", "status", "live", "has_unpublished_changes"]
    list_filter = ["status", "live", "needs", "accepts_electronic_referrals"]
    search_fields = ["name", "description"]


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "email", "website"]
    search_fields = ["name"]


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "site"
    menu_label = "Locations"
    list_display = ["name", "address", "postal_code", "latitude", "longitude"]
    search_fields = ["name", "address", "postal_code"]


class TaxonomyTermViewSet(SnippetViewSet):
    model = TaxonomyTerm
    icon = "tag"
    menu_label = "Taxonomy terms"
    list_display = ["name", "code", "category"]
    list_filter = ["category"]


class SchoolLocationViewSet(SnippetViewSet):
    model = SchoolLocation
    icon = "home"
    menu_label = "School locations"
    list_display = ["school", "latitude", "longitude"]


class PartnerStaffViewSet(SnippetViewSet):
    model = PartnerStaff
    icon = "user"
    menu_label = "Partner staff"
    list_display = ["user", "organization"]


class CommunityLinksGroup(SnippetViewSetGroup):
    menu_label = "Community resources"
    menu_icon = "help"
    items = (
        ResourceViewSet,
        OrganizationViewSet,
        LocationViewSet,
        TaxonomyTermViewSet,
        SchoolLocationViewSet,
        PartnerStaffViewSet,
    )


register_snippet(CommunityLinksGroup)
