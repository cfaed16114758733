"""The partner portal: only referrals addressed to the partner's own organisation, and only
what the consent allows. The signed link gives the same for one referral without an account."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from community_links.forms import ResourceProposalForm, StatusForm
from community_links.models import PartnerStaff, ReferralUpdate, Resource
from community_links.selectors.access import (
    partner_referral_for,
    partner_resource_for,
    referral_by_link,
)
from community_links.selectors.referrals import partner_referrals, partner_steps, partner_view
from community_links.services import referrals as services
from community_links.services.directory import PARTNER_FIELDS, resource_propose_change
from schoolwell import permissions


@permissions.require(permissions.is_partner)
def home(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    referrals = [partner_view(r) for r in partner_referrals(user=request.user, status=status)]
    context = {
        "referrals": referrals,
        "status": status,
        "has_organization": bool(PartnerStaff.objects.organization_ids(request.actor)),
    }
    return render(request, "community_links/partners/home.html", context)


def _status_post(request: HttpRequest, referral, via: str, by) -> StatusForm | None:
    form = StatusForm(request.POST, partner=True)
    if form.is_valid():
        try:
            services.referral_status_change(referral=referral, by=by, via=via, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return form
        messages.success(request, _("Thank you: the school can see your update."))
        return None
    return form


@permissions.require(permissions.is_partner)
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    # Logged whenever the page is reached: a refused update shows the referral again.
    item = partner_referral_for(request.actor, pk)
    form = StatusForm(partner=True)
    if request.method == "POST":
        form = _status_post(request, item, ReferralUpdate.Via.PORTAL, request.user)
        if form is None:
            return redirect("partners:referral", pk=item.pk)
    context = {"referral": partner_view(item), "form": form, "updates": partner_steps(item)}
    return render(
        request,
        "community_links/partners/referral.html",
        context,
        status=400 if form.errors else 200,
    )


@never_cache
def link(request: HttpRequest, token: str) -> HttpResponse:
    """One referral, read and status update only, for a partner without an account."""
    try:
        # Logged whenever the link is opened, naming the organisation and address.
        item = referral_by_link(token)
    except signing.BadSignature:
        raise Http404 from None
    form = StatusForm(partner=True)
    if request.method == "POST":
        form = _status_post(request, item, ReferralUpdate.Via.LINK, None)
        if form is None:
            return redirect("partners:link", token=token)
    context = {
        "referral": partner_view(item),
        "form": form if item.is_open else None,
        "updates": partner_steps(item),
        "via_link": True,
    }
    return render(
        request,
        "community_links/partners/referral.html",
        context,
        status=400 if form and form.errors else 200,
    )


@permissions.require(permissions.is_partner)
def resources(request: HttpRequest) -> HttpResponse:
    items = Resource.objects.for_partner(request.actor).select_related("organization")
    return render(request, "community_links/partners/resources.html", {"resources": items})


@permissions.require(permissions.is_partner)
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose changes to our own entry: a draft the district reviews before it goes live."""
    resource = partner_resource_for(request.actor, pk)
    current = resource.get_latest_revision_as_object() if resource.latest_revision else resource
    form = ResourceProposalForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in PARTNER_FIELDS}
        resource_propose_change(resource=resource, by=request.user, changes=changes)
        messages.success(
            request, _("Thank you: the district will review your changes before they go live.")
        )
        return redirect("partners:resources")
    return render(
        request,
        "community_links/partners/resource_edit.html",
        {"resource": resource, "form": form},
        status=400 if form.errors else 200,
    )
