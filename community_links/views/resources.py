"""A resource's own page: what a family asks before they go (where, when, whether it is open
now, who it is for, how to apply, which languages) and how fresh the entry is; opened from a
case, it refers from here."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from community_links.selectors.access import resource_for
from community_links.selectors.details import details_for
from community_links.views.team import case_from, referable
from schoolwell import permissions


@permissions.require(permissions.can_search_resources)
def resource_page(request: HttpRequest, pk: int) -> HttpResponse:
    resource = resource_for(request.actor, pk)
    case = case_from(request)
    may_refer = bool(
        case
        and case.can.refer
        and resource.status == resource.Status.ACTIVE
        and resource.accepts_electronic_referrals
        and referable(request.user, case).filter(pk=resource.pk).exists()
    )
    context = {
        "resource": resource,
        "details": details_for([resource])[resource.pk],
        "needs": list(resource.needs.all()),
        "case": case,
        "may_refer": may_refer,
    }
    return render(request, "community_links/resource.html", context)
