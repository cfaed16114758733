"""The team's side: search the directory, refer from a case, follow the loop in the case
panel and on the caseload. Panels are fragments other pages load by URL."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_links.forms import ReferralForm, SearchForm, StatusForm
from community_links.models import Referral, ReferralUpdate, Resource
from community_links.needs import case_need
from community_links.selectors import directory as search
from community_links.selectors.access import referral_for
from community_links.selectors.referrals import case_referrals, caseload_referrals
from community_links.services import referrals as services
from community_links.units import units_for
from schoolwell import permissions
from schoolwell.forms import parse_pk
from support_team.selectors.access import case_for


def _ids(values: list[str]) -> list[int]:
    return [pk for pk in map(parse_pk, values) if pk is not None]


def case_from(request: HttpRequest):
    ids = _ids([request.GET.get("case", "")])
    return case_for(request.actor, ids[0]) if ids else None


def _criteria(form: SearchForm, request: HttpRequest, case) -> search.Criteria | None:
    data = form.cleaned_data
    units = form.units
    origin = None
    if data.get("near") == "school":
        school = _school(request, case)
        origin = search.school_origin(school) if school else None
        if origin is None:
            form.add_error("near", units.school_unplaced)
            return None
    elif data.get("near") == "postcode":
        origin = search.postcode_origin(data["postcode"])
        if origin is None:
            form.add_error("postcode", units.postcode_unknown)
            return None
    within = data.get("within")
    return search.Criteria(
        need=data.get("need"),
        language=data.get("language") or "",
        age=data.get("age"),
        grade=data.get("grade") or "",
        open_now=bool(data.get("open_now")),
        origin=origin,
        within_km=units.to_km(within) if origin and within is not None else None,
        text=(data.get("q") or "").strip(),
        units=units,
    )


def _school(request: HttpRequest, case):
    """The case's school, else the first school the person works for on a team."""
    if case:
        return case.school
    return (
        permissions.schools_for(request.user, permissions.TEAM_ROLES)
        .select_related("district")
        .first()
    )


@permissions.require(permissions.can_search_resources)
def directory(request: HttpRequest) -> HttpResponse:
    """Search the directory; with ?case=<id>, pick resources to refer that case's student."""
    case = case_from(request)
    form = SearchForm(request.GET or None, units=units_for(_school(request, case)))
    matches, total = [], None
    if form.is_bound and form.is_valid():
        criteria = _criteria(form, request, case)
        if criteria is not None:
            scope = Resource.objects.visible_to(request.actor)
            matches, total = search.directory_search(criteria, scope=scope)
    context = {"form": form, "matches": matches, "total": total, "case": case}
    return render(request, "community_links/directory.html", context)


def referable(user, case):
    """Resources this case's student may be referred to: ones the user may read, of the
    case's district or shared by every district."""
    return Resource.objects.visible_to(user).filter(
        Q(district__isnull=True) | Q(district_id=case.school.district_id)
    )


@permissions.require(permissions.can_search_resources)
def referral_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.actor, case_id)
    if not case.can.refer:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    ids = _ids(source.getlist("resources") or source.getlist("resource"))
    choices = referable(request.user, case).filter(pk__in=ids).select_related("organization")
    guardians = list(case.student.guardians.order_by("last_name", "first_name", "pk"))
    if request.method == "POST":
        form = ReferralForm(request.POST, resources=choices, guardians=guardians)
        if form.is_valid():
            try:
                services.referral_send(case=case, by=request.user, **form.referral_values())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Referral sent."))
                return redirect(reverse("support_team:case", args=[case.pk]) + "#referrals")
    else:
        initial = {"resources": ids, "need": case_need(case, choices)}
        form = ReferralForm(resources=choices, guardians=guardians, initial=initial)
    context = {
        "case": case,
        "form": form,
        "do_not_contact": [g for g in guardians if g.do_not_contact],
        "guardian_names": {str(g.pk): str(g) for g in guardians},
        "student_may_consent": services.student_may_consent(case.student),
    }
    return render(
        request, "community_links/referral_form.html", context, status=400 if form.errors else 200
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@permissions.require(permissions.can_search_resources)
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """The referrals of one case (a fragment the case page loads)."""
    case = case_for(request.actor, case_id)
    referrals = list(case_referrals(user=request.user, case=case))
    for referral in referrals:
        referral.refused = request.session.pop(_refused_key(referral.pk), None)
    context = {
        "case": case,
        "referrals": referrals,
        "can_refer": case.can.refer,
        "status_form": StatusForm(),
    }
    return render(request, "community_links/case_panel.html", context)


def _refused_key(pk: int) -> str:
    return f"referral-refused-{pk}"


def _refuse(request: HttpRequest, referral, reasons: list[str]) -> None:
    """Keep why an update was refused, and what was typed, for the referral's own card: the
    case panel shows it there (open, focused) the next time it loads, and forgets it."""
    request.session[_refused_key(referral.pk)] = {
        "messages": reasons,
        "status": request.POST.get("status", "")[:40],
        "note": request.POST.get("note", "")[:4000],
        "share": bool(request.POST.get("share")),
    }


@require_POST
@permissions.require(permissions.can_search_resources)
def referral_status(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for(request.actor, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_status_change(
                referral=referral, by=request.user, via=ReferralUpdate.Via.TEAM, **form.cleaned_data
            )
            messages.success(request, _("Referral updated."))
        except ValidationError as error:
            _refuse(request, referral, error.messages)
    else:
        pick = _("Pick a status from the list.")
        _refuse(
            request,
            referral,
            [pick if name == "status" else e for name, errs in form.errors.items() for e in errs],
        )
    return redirect(reverse("support_team:case", args=[referral.case_id]) + "#referrals")


@require_POST
@permissions.require(permissions.can_search_resources)
def referral_link(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for(request.actor, pk)
    services.referral_link_reissue(referral=referral, by=request.user)
    messages.success(
        request, _("A new link was e-mailed to the partner; the old one no longer works.")
    )
    return redirect(reverse("support_team:case", args=[referral.case_id]) + "#referrals")


@permissions.require(permissions.can_search_resources)
def caseload_panel(request: HttpRequest) -> HttpResponse:
    """Referrals on my cases with no partner answer (a fragment the caseload page loads)."""
    waiting = caseload_referrals(user=request.user)
    context = {"waiting": waiting, "statuses": Referral.Status}
    return render(request, "community_links/caseload_panel.html", context)
