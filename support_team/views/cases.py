from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schoolwell import audit, permissions


@permissions.require(permissions.can_use_queue)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: who leads it, the team, tier, needs, and the notes this user may read. The
    read is logged."""
    case = permissions.get_case_or_404(request.user, pk)
    audit.access_log(user=request.user, obj=case, student=case.student, reason="case")
    return render(
        request,
        "support_team/case.html",
        {
            "case": case,
            "members": case.memberships.select_related("user"),
            "needs": case.needs.all(),
            "notes": permissions.notes_for(request.user, case).select_related("author"),
        },
    )
