from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from schoolwell import permissions
from support_team.selectors import caseload as selectors


@permissions.require(permissions.can_use_queue)
def caseload(request: HttpRequest) -> HttpResponse:
    """The signed-in team member's caseload and what is due; a safeguarding lead also sees
    the balance of the whole team at their school(s), so overload is visible."""
    today = timezone.localdate()
    return render(
        request,
        "support_team/caseload.html",
        {
            "caseload": selectors.caseload_for(user=request.user, today=today),
            "balances": selectors.team_balance_for(user=request.user, today=today),
            "heavy_percent": round((selectors.HEAVY_RATIO - 1) * 100),
            "heavy_margin": selectors.HEAVY_MARGIN,
            "now": timezone.now(),
        },
    )
