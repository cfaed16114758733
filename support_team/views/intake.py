"""The intake page: one item of the queue, what else is open about the student, and the
triage actions. Each action is a POST that redirects back with a message; a form with bad
input shows the page again with the errors by the fields, and nothing changes."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import permissions
from schoolwell.models import Category
from support_team import selectors
from support_team.forms.triage import AssignForm, CaseForm, CloseForm, RouteForm, UrgencyForm
from support_team.models import Intake
from support_team.selectors.access import intake_for
from support_team.services import AlreadyClaimed, triage


def _forms(intake: Intake, slugs: list[str], bound: dict) -> dict:
    """Every action form, unbound unless `bound` holds the one just submitted."""
    builders = {
        "assign_form": lambda: AssignForm(
            members=selectors.team_members(school_id=intake.school_id)
        ),
        "urgency_form": lambda: UrgencyForm(initial={"urgency": intake.urgency}),
        "case_form": lambda: CaseForm(initial={"needs": _needs_initial(slugs)}),
        "route_form": lambda: RouteForm(services=selectors.routable_services()),
        "close_form": lambda: CloseForm(),
    }
    return {name: bound.get(name) or build() for name, build in builders.items()}


def _needs_initial(slugs: list[str]) -> list:
    return list(Category.objects.filter(slug__in=slugs, active=True))


def _page(request: HttpRequest, intake: Intake, bound: dict | None = None) -> HttpResponse:
    slugs = selectors.source_category_slugs(intake)
    names = selectors.category_names() if slugs else {}
    context = {
        "intake": intake,
        "now": timezone.now(),
        "category_names": [names.get(s, s) for s in slugs],
        "others": selectors.other_open_intakes(user=request.user, intake=intake),
        "case": intake.case or selectors.open_case_for(user=request.user, intake=intake),
        "can_act": intake.can.act,
        "is_open": intake.status != Intake.Status.CLOSED,
        "viewers": selectors.presence_for(
            intake_ids=[intake.pk], exclude_user_id=request.user.pk
        ).get(intake.pk, []),
        **_forms(intake, slugs, bound or {}),
    }
    return render(request, "support_team/intake.html", context, status=400 if bound else 200)


def _intake(request: HttpRequest, pk: int, *, read: str = "") -> Intake:
    related = ("claimed_by", "escalated_by", "case", "routed_service")
    return intake_for(request.actor, pk, read=read, related=related)


@permissions.require(permissions.can_use_queue)
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One intake. The read is logged."""
    return _page(request, _intake(request, pk, read="intake"))


def _act(
    request: HttpRequest,
    pk: int,
    name: str,
    form: Callable[[Intake], object],
    perform: Callable[[Intake, dict], object],
    done: str,
) -> HttpResponse:
    """Validate the action's form, run the service, say what happened, go back to the page."""
    intake = _intake(request, pk)
    bound = form(intake)
    if not bound.is_valid():
        messages.error(request, _("Nothing was changed: check the form below."))
        # The page shown again is read again.
        return _page(request, _intake(request, pk, read="intake"), {name: bound})
    try:
        perform(intake, bound.cleaned_data)
    except AlreadyClaimed as taken:
        holder = taken.intake.claimed_by
        messages.warning(
            request,
            _("%(name)s has this one; ask them or the safeguarding lead.") % {"name": holder},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("support_team:intake", pk=intake.pk)


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assign_form",
        lambda i: AssignForm(request.POST, members=selectors.team_members(school_id=i.school_id)),
        lambda i, data: triage.intake_assign(intake=i, to=data["to"], by=request.user),
        _("Assigned."),
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_urgency(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "urgency_form",
        lambda i: UrgencyForm(request.POST),
        lambda i, data: triage.intake_set_urgency(
            intake=i, urgency=data["urgency"], by=request.user
        ),
        _("Urgency changed; the target time follows it."),
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "case_form",
        lambda i: CaseForm(request.POST),
        lambda i, data: triage.intake_to_case(
            intake=i, by=request.user, tier=data["tier"], needs=data["needs"]
        ),
        _("Taken into the student's case. The item has left the queue."),
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_route(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "route_form",
        lambda i: RouteForm(request.POST, services=selectors.routable_services()),
        lambda i, data: triage.intake_route(intake=i, service=data["service"], by=request.user),
        _("Routed to the service. The item has left the queue."),
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "escalate_form",
        lambda i: forms.Form(request.POST),
        lambda i, data: triage.intake_escalate(intake=i, by=request.user),
        _("Escalated: the safeguarding leads have been e-mailed."),
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close_form",
        lambda i: CloseForm(request.POST),
        lambda i, data: triage.intake_close(
            intake=i, reason=data["reason"], note=data["note"], by=request.user
        ),
        _("Closed. The item has left the queue."),
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """The intake page's heartbeat (every 30 s) and its goodbye (leaving=1). Always 204."""
    intake = intake_for(request.actor, pk)
    triage.intake_presence_mark(
        intake=intake, user=request.user, leaving=request.POST.get("leaving") == "1"
    )
    return HttpResponse(status=204)
