"""A district administrator's sign-in pages: the district's identity provider, and which
accounts of the district may sign in (schoolwell/signin_switch.py). An administrator of
several districts picks one with ?district=<id>; any other id is not found."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolwell import permissions
from schoolwell.links import absolute
from schoolwell.models import District, Membership
from schoolwell.signin_switch import SWITCHABLE_ROLES, set_roles, switch_on, switched_off
from schoolwell.sso.forms import (
    PRESETS,
    ProviderForm,
    SignInRolesForm,
    provider_save,
    unique_provider_id,
)
from schoolwell.sso.models import IdentityProvider

Kind = IdentityProvider.Kind

PAGE_SIZE = 50


def district_for(request: HttpRequest) -> tuple[District, list[District]]:
    """The district this page is about, and every district the administrator may choose."""
    ids = permissions.sign_in_district_ids(request.actor)
    districts = list(District.objects.filter(id__in=ids).order_by("name", "id"))
    asked = request.GET.get("district")
    if asked is None:
        return districts[0], districts
    chosen = next((d for d in districts if str(d.pk) == asked), None)
    if chosen is None:
        raise Http404
    return chosen, districts


def _url(name: str, district: District, districts: list[District], **more: object) -> str:
    query = {"district": district.pk} if len(districts) > 1 else {}
    query |= {key: value for key, value in more.items() if value}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


@permissions.require(permissions.sign_in_district_ids)  # none: 403
@reauthentication_required(allow_get=True)  # the provider decides who signs in as whom
def provider(request: HttpRequest) -> HttpResponse:
    district, districts = district_for(request)
    current = IdentityProvider.objects.filter(district=district).select_related("app").first()
    in_use = current.enabled if current else None  # as saved: the form changes `current`
    posted = request.POST if request.method == "POST" else None
    form = ProviderForm(posted, instance=current, district=district)
    if request.method == "POST" and form.is_valid():
        idp = provider_save(form=form, district=district)
        if idp.enabled:
            said = _("Saved. “%(label)s” is on the sign-in page.") % {"label": idp.label}
        else:
            said = _("Saved. The provider is switched off: nobody signs in through it.")
        messages.success(request, said)
        return redirect(_url("sso:provider", district, districts))
    provider_id = current.app.provider_id if current else unique_provider_id(district)
    context = {
        "form": form,
        "district": district,
        "districts": districts if len(districts) > 1 else [],
        "current": current,
        "in_use": in_use,
        "callback_url": callback_url(provider_id),
        "logout_url": absolute(reverse("account_login")),
        "presets": [(Kind(k).label, url.format(tenant="<tenant>")) for k, url in PRESETS.items()],
    }
    return render(request, "sso/provider.html", context)


def callback_url(provider_id: str) -> str:
    """Where the provider sends people back to. Before the first save it is the address the
    provider will get (the administrator registers it first, to be given a client ID)."""
    return absolute(reverse("openid_connect_callback", kwargs={"provider_id": provider_id}))


@permissions.require(permissions.sign_in_district_ids)  # none: 403
def accounts(request: HttpRequest) -> HttpResponse:
    district, districts = district_for(request)
    if request.method == "POST":
        _switch(request, district)
        page = request.GET.get("page")
        return redirect(_url("sso:accounts", district, districts, page=page))
    waiting = switched_off(district).prefetch_related(
        Prefetch(
            "memberships",
            queryset=_memberships_at(district).select_related("school"),
            to_attr="roles_here",
        )
    )
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        _memberships_at(district)
        .filter(user__sign_in_enabled=False, role__in=SWITCHABLE_ROLES)
        .values_list("role")
        .annotate(n=Count("user", distinct=True))
    )
    roles_form = SignInRolesForm(initial={"roles": district.sign_in_roles})
    roles = [(box, counts.get(box.data["value"], 0)) for box in roles_form["roles"]]
    query = {"district": district.pk} if len(districts) > 1 else {}
    context = {
        "district": district,
        "districts": districts if len(districts) > 1 else [],
        "roles_form": roles_form,
        "roles": roles,
        "page": page,
        "query": urlencode(query),
    }
    return render(request, "sso/accounts.html", context)


def _memberships_at(district: District):
    place = Q(district=district) | Q(school__district=district)
    return Membership.objects.filter(place, active=True)


def _switch(request: HttpRequest, district: District) -> None:
    action = request.POST.get("action")
    if action == "roles":
        form = SignInRolesForm(request.POST)
        if not form.is_valid():
            raise BadRequest("not a role that is switched on by role")
        switched = set_roles(district, form.cleaned_data["roles"])
        messages.success(
            request,
            ngettext(
                "Saved. %(n)s account was switched on.",
                "Saved. %(n)s accounts were switched on.",
                switched,
            )
            % {"n": switched},
        )
        return
    user_id = request.POST.get("user", "")
    if action != "one" or not user_id.isdigit():
        raise BadRequest("say which account to switch on")
    user = switch_on(district, int(user_id))
    if user is None:  # not a member of this district: as if there were no such account
        raise Http404
    name = user.get_full_name() or user.email
    messages.success(request, _("%(name)s can now sign in.") % {"name": name})
