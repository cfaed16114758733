from django.http import HttpRequest

from schoolwell import permissions


def navigation(request: HttpRequest) -> dict:
    """What the header shows: only the places this person may go."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "queue": permissions.can_use_queue(user),
            "concerns": permissions.can_log_concern(user),
            "concern_import": permissions.can_import_concerns(user),
            "roster": permissions.can_import_roster(user),
            "staff": permissions.is_staff_member(user),
        }
    }
