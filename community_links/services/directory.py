"""Partner-proposed changes to their own directory entry: saved as a Wagtail draft revision,
never published here; district staff review and publish it in the CMS."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community_links.models import PartnerStaff, Resource
from schoolwell.models import User

PARTNER_FIELDS = (
    "description",
    "application_process",
    "fees_description",
    "eligibility_description",
    "language_codes",
    "url",
    "email",
)


@transaction.atomic
def resource_propose_change(*, resource: Resource, by: User, changes: dict) -> Resource:
    """Save the partner's changes as a draft revision of their own resource. The live entry
    (what staff search) does not change until someone publishes it in the CMS."""
    if resource.organization_id not in PartnerStaff.objects.organization_ids(by):
        raise ValidationError(_("You can only change your own organisation's entries."))
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    draft = resource.get_latest_revision_as_object() if resource.latest_revision else resource
    for name in PARTNER_FIELDS:
        if name in changes:
            setattr(draft, name, changes[name])
    draft.full_clean(exclude=["needs", "locations"])
    # Wagtail saves only the revision pointers on the row: the live fields stay as they are.
    draft.save_revision(user=by, log_action=True)
    resource.refresh_from_db()
    return resource
