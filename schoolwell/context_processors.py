from django.http import HttpRequest

from schoolwell import permissions


def navigation(request: HttpRequest) -> dict:
    """What the header shows: only the places this person may go. (Counts that belong to an
    app come from that app's own context processor, e.g. support_team's status updates.)"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    concerns = permissions.can_log_concern(user)
    return {
        "nav": {
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
