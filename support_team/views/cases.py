"""The case page, its section forms (each a POST route: post, redirect, get) and the case
list. Every read of a case or a note is logged; every change goes through a service."""

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import permissions
from support_team.forms import cases as forms
from support_team.models import Case, Goal, Intervention
from support_team.selectors.access import case_for, case_note_for
from support_team.selectors.cases import case_list as select_cases
from support_team.selectors.cases import case_page
from support_team.services import cases as services
from support_team.views.case_refusal import Refusal, form_refusal

FORMS = {
    "update": forms.CaseUpdateForm,
    "member": forms.MemberAddForm,
    "goal": forms.GoalForm,
    "intervention": forms.InterventionForm,
    "note": forms.NoteForm,
    "meeting": forms.MeetingForm,
    "follow_up": forms.FollowUpForm,
    "close": forms.CloseForm,
}


def _render(
    request: HttpRequest, case: Case, page=None, refused: Refusal | None = None, **bound
) -> HttpResponse:
    """The case page, with a bound form (and its errors) in place of a blank one. Each
    intervention carries its own update form (`intervention-<pk>` when bound)."""
    page = page or case_page(user=request.user, case=case)
    section_forms = {name: bound.get(name) or form(page=page) for name, form in FORMS.items()}
    for goal in page.goals:
        for intervention in goal.interventions.all():
            intervention.form = bound.get(f"intervention-{intervention.pk}") or (
                forms.InterventionUpdateForm(page=page, intervention=intervention)
            )
    return render(
        request,
        "support_team/case.html",
        {
            "case": case,
            "page": page,
            "forms": section_forms,
            "goal_statuses": Goal.Status.choices,
            "refused": refused,
        },
        status=400 if refused else 200,
    )


@permissions.require(permissions.can_use_queue)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: lead, team, tier, needs, plan, the notes this user may read, meetings,
    follow-ups, where it came from. The read is logged."""
    case = case_for(request.actor, pk, read="case")
    return _render(request, case)


@permissions.require(permissions.can_use_queue)
def case_note(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    """One note, for a link to it. A note above the reader's level is not found (404)."""
    case = case_for(request.actor, case_pk)
    note = case_note_for(request.actor, case, pk)
    return render(request, "support_team/case_note.html", {"case": case, "note": note})


@permissions.require(permissions.can_use_queue)
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases at the user's schools; filters are URL parameters (mine/all, tier, status)."""
    form = forms.CaseFilterForm(request.GET)
    filters = form.filters()
    cases = Paginator(select_cases(user=request.user, **filters), 50)
    page = cases.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "support_team/case_list.html",
        {"form": form, "cases": page, "filters": filters, "query": query.urlencode()},
    )


def _submit(
    request: HttpRequest,
    pk: int,
    name: str,
    action: Callable[[Case, dict], object],
    done: str,
    anchor: str,
) -> HttpResponse:
    """Validate a section form and hand it to its service. Good: a message and back to the
    section. Bad input or a broken rule: the page again with the message, nothing changed."""
    case = case_for(request.actor, pk)
    page = case_page(user=request.user, case=case)
    form = FORMS[name](request.POST, page=page)
    if form.is_valid():
        try:
            action(case, form.cleaned_data | {"form": form})
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(f"{reverse('support_team:case', args=[case.pk])}#{anchor}")
    return _render(request, case, page, form_refusal(name, form, page), **{name: form})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _act(
    request: HttpRequest,
    case: Case,
    action: Callable[[], object],
    done: str,
    anchor: str,
    refusal: Refusal,
) -> HttpResponse:
    """A button with nothing to fill in (join, done, cancel, reopen). Refused: the page
    again with the reason beside that button, nothing changed."""
    try:
        action()
    except ValidationError as error:
        return _render(request, case, refused=replace(refusal, messages=error.messages))
    messages.success(request, done)
    return redirect(f"{reverse('support_team:case', args=[case.pk])}#{anchor}")


@require_POST
@permissions.require(permissions.can_use_queue)
def case_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "update",
        lambda case, d: services.case_update(
            case=case, by=request.user, tier=d["tier"], needs=d["needs"], lead=d.get("lead")
        ),
        _("Case details saved."),
        "details",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "member",
        lambda case, d: services.case_member_add(case=case, user=d["user"], by=request.user),
        _("Added to the case team."),
        "team",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def member_join(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    join = partial(services.case_member_add, case=case, user=request.user, by=request.user)
    team = Refusal(_("the case team"), kind="team")
    return _act(request, case, join, _("You are on this case now."), "team", team)


@require_POST
@permissions.require(permissions.can_use_queue)
def member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    member = get_object_or_404(case.memberships.select_related("user"), user_id=user_pk)
    remove = partial(services.case_member_remove, case=case, user=member.user, by=request.user)
    team = Refusal(_("the case team"), kind="team")
    return _act(request, case, remove, _("Taken off the case team."), "team", team)


@require_POST
@permissions.require(permissions.can_use_queue)
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "goal",
        lambda case, d: services.goal_add(case=case, by=request.user, description=d["description"]),
        _("Goal added to the plan."),
        "plan",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def goal_update(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    goal = get_object_or_404(case.goals, pk=goal_pk)
    form = forms.GoalStatusForm(request.POST, page=None)
    refusal = Refusal(_("the goal"), kind="goal", pk=goal.pk)
    if not form.is_valid():
        why = [_("Choose where the goal stands from the list.")]
        return _render(request, case, refused=replace(refusal, messages=why))
    status = form.cleaned_data["status"]
    update = partial(services.goal_update, goal=goal, by=request.user, status=status)
    return _act(request, case, update, _("Goal updated."), f"goal-{goal.pk}", refusal)


@require_POST
@permissions.require(permissions.can_use_queue)
def intervention_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "intervention",
        lambda case, d: services.intervention_add(
            by=request.user, **{k: v for k, v in d.items() if k != "form"}
        ),
        _("Intervention added to the plan."),
        "plan",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def intervention_update(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    intervention = get_object_or_404(
        Intervention.objects.visible_to(request.actor).filter(goal__case=case), pk=intervention_pk
    )
    page = case_page(user=request.user, case=case)
    form = forms.InterventionUpdateForm(request.POST, page=page, intervention=intervention)
    if form.is_valid():
        try:
            services.intervention_update(
                intervention=intervention, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Intervention updated."))
            return redirect(
                f"{reverse('support_team:case', args=[case.pk])}#intervention-{intervention.pk}"
            )
    key = f"intervention-{intervention.pk}"
    return _render(request, case, page, form_refusal(key, form, page), **{key: form})


@require_POST
@permissions.require(permissions.can_use_queue)
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "note",
        lambda case, d: services.note_add(
            case=case, by=request.user, level=d["level"], body=d["body"], goal=d["goal"]
        ),
        _("Note saved."),
        "notes",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "meeting",
        lambda case, d: services.meeting_record(
            case=case,
            by=request.user,
            held_on=d["held_on"],
            attendees=d["attendees"],
            other_attendees=d["other_attendees"],
            summary=d["summary"],
            decisions=d["decisions"],
            actions=[
                services.MeetingAction(a["title"], a["assignee"], a["due_on"])
                for a in d["form"].action_rows()
            ],
        ),
        _("Meeting recorded; its actions are follow-ups now."),
        "meetings",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "follow_up",
        lambda case, d: services.follow_up_add(
            case=case, by=request.user, title=d["title"], assignee=d["assignee"], due_on=d["due_on"]
        ),
        _("Follow-up added."),
        "follow-ups",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def follow_up_done(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    follow_up = get_object_or_404(case.follow_ups, pk=follow_up_pk)
    done = partial(services.follow_up_complete, follow_up=follow_up, by=request.user)
    refusal = Refusal(_("the follow-up"), kind="follow_up", pk=follow_up.pk)
    return _act(request, case, done, _("Follow-up marked done."), "follow-ups", refusal)


@require_POST
@permissions.require(permissions.can_use_queue)
def follow_up_cancel(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    follow_up = get_object_or_404(case.follow_ups, pk=follow_up_pk)
    cancel = partial(services.follow_up_cancel, follow_up=follow_up, by=request.user)
    refusal = Refusal(_("the follow-up"), kind="follow_up", pk=follow_up.pk)
    return _act(request, case, cancel, _("Follow-up cancelled."), "follow-ups", refusal)


@require_POST
@permissions.require(permissions.can_use_queue)
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        "close",
        lambda case, d: services.case_close(
            case=case,
            by=request.user,
            summary=d["summary"],
            cancel_open_follow_ups=d["cancel_open_follow_ups"],
        ),
        _("Case closed."),
        "closing",
    )


@require_POST
@permissions.require(permissions.can_use_queue)
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for(request.actor, pk)
    reopen = partial(services.case_reopen, case=case, by=request.user)
    refusal = Refusal(_("the closing section"), kind="closing")
    return _act(request, case, reopen, _("Case reopened."), "closing", refusal)
