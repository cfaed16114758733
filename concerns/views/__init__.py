"""A teacher's concerns: log one, find a student, the list of their own, one concern with its
observations and the urgent follow-up. The legacy spreadsheet import is in
views.legacy_import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concerns import selectors, services
from concerns.access import concern_for
from concerns.forms import ConcernForm, ObservationForm
from schoolwell import permissions
from schoolwell.forms import parse_pk
from support_team import selectors as hub_selectors
from support_team import services as hub
from support_team.models import Intake


def _school_for(user, student):
    """The reporter's school that the chosen student is enrolled at."""
    school_ids = permissions.school_ids(user, permissions.CONCERN_ROLES)
    return student.enrollments.filter(end_date__isnull=True, school_id__in=school_ids)[0].school


def _initial(request: HttpRequest) -> dict:
    """What the form starts with: a student chosen from a link (?student=), or, after the
    no-JavaScript Search button, everything typed so far."""
    if request.method == "POST":
        data = request.POST.dict()
        data["categories"] = request.POST.getlist("categories")
        return data
    return {"student": request.GET["student"]} if request.GET.get("student") else {}


@permissions.require(permissions.can_log_concern)
def concern_new(request: HttpRequest) -> HttpResponse:
    """One screen: find the student (as you type, or with the Search button when there is no
    JavaScript), tick categories, say how worried, write what happened, submit."""
    submitting = request.method == "POST" and "search" not in request.POST
    form = ConcernForm(
        request.POST if submitting else None, user=request.user, initial=_initial(request)
    )
    if submitting and form.is_valid():
        data = form.cleaned_data
        try:
            concern, _created = services.concern_create(
                reporter=request.user,
                school=_school_for(request.user, data["student"]),
                student=data["student"],
                categories=list(data["categories"]),
                severity=data["severity"],
                narrative=data["narrative"],
                observed_on=data["observed_on"],
                observed_place=data["observed_place"],
                immediate_risk=data["immediate_risk"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if services.concern_intake(concern).urgency == Intake.Urgency.URGENT:
                return redirect("concerns:urgent", pk=concern.pk)
            messages.success(request, _("Received. The support team will look at it."))
            return redirect("concerns:mine")
    query = request.GET.get("q") or request.POST.get("q", "")
    students = permissions.concern_students_for(request.user)
    chosen = parse_pk(form["student"].value())
    return render(
        request,
        "concerns/concern_form.html",
        {
            "form": form,
            "query": query,
            "results": selectors.student_search(user=request.user, query=query),
            "chosen": students.filter(pk=chosen).first() if chosen is not None else None,
        },
    )


@require_GET
@permissions.require(permissions.can_log_concern)
def student_search(request: HttpRequest) -> HttpResponse:
    """The live results under the search box (htmx); the same partial the form page uses."""
    query = request.GET.get("q", "")
    return render(
        request,
        "concerns/concern_form.html#student-results",
        {
            "query": query,
            "results": selectors.student_search(user=request.user, query=query),
        },
    )


@permissions.require(permissions.can_log_concern)
def my_concerns(request: HttpRequest) -> HttpResponse:
    concerns = selectors.my_concerns(user=request.user)
    hub.status_seen_mark(user=request.user)
    return render(request, "concerns/my_concerns.html", {"concerns": concerns})


@permissions.require(permissions.can_log_concern)
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter sees what they wrote and its status; the school's team sees it all and
    the read is logged."""
    concern = concern_for(request.actor, pk, read=True)
    trail = selectors.status_trail(concern)
    return render(
        request,
        "concerns/concern_detail.html",
        {
            "concern": concern,
            "team_view": concern.can.see_all,
            "trail": trail,
            "can_add": concern.can.add_observation,
            "form": ObservationForm(),
        },
    )


@permissions.require(permissions.can_log_concern)
def concern_urgent(request: HttpRequest, pk: int) -> HttpResponse:
    """What to do right now, for the teacher who has just raised an urgent concern."""
    concern = concern_for(request.actor, pk)
    return render(
        request,
        "concerns/concern_urgent.html",
        {
            "concern": concern,
            "leads": hub_selectors.safeguarding_leads(school_id=concern.school_id),
            "school": concern.school,
        },
    )


@require_POST
@permissions.require(permissions.can_log_concern)
def observation_new(request: HttpRequest, pk: int) -> HttpResponse:
    concern = concern_for(request.actor, pk)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            services.observation_add(
                concern=concern, author=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added. The support team can see it."))
        return redirect("concerns:detail", pk=concern.pk)
    return render(
        request,
        "concerns/concern_detail.html",
        {
            "concern": concern,
            "team_view": False,
            "trail": selectors.status_trail(concern),
            "can_add": concern.can.add_observation,
            "form": form,
        },
        status=400,
    )
