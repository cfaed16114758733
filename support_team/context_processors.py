from django.http import HttpRequest

from schoolwell import permissions
from support_team.selectors import status_updates_for


def status_updates(request: HttpRequest) -> dict:
    """The teacher's in-app notice in the header: concerns picked up or closed since they
    last looked (one query, only for someone who logs concerns)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not permissions.can_log_concern(user):
        return {"concern_updates": 0}
    return {"concern_updates": status_updates_for(user=user, source="concern")}
