from django.http import HttpRequest

from schoolwell import permissions


def navigation(request: HttpRequest) -> dict:
    """What the header shows: only the places this person may go."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    concerns = permissions.can_log_concern(user)
    return {
        "nav": {
            # The teacher's in-app notice: concerns picked up or closed since they last looked.
            "concern_updates": concerns and _concern_updates(user),
            "queue": permissions.can_use_queue(user),
            "caseload": permissions.can_use_queue(user),
            "cases": permissions.can_use_queue(user),
            "transfers": permissions.can_use_transfers(user),
            "concerns": concerns,
            "concern_import": permissions.can_import_concerns(user),
            "roster": permissions.can_import_roster(user),
            "trends": permissions.can_view_trends(user),
            "resources": permissions.can_search_resources(user),
            "partner_referrals": permissions.is_partner(user),
            "staff": permissions.is_staff_member(user),
        }
    }


def _concern_updates(user) -> int:
    from support_team.selectors import status_updates_for

    return status_updates_for(user=user, source="concern")
