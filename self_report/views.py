from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from schoolwell import permissions
from self_report import selectors, services
from self_report.forms import NOT_NOW, SelfReportForm
from self_report.models import SelfReportPage


def _student_and_school(user):
    student = permissions.student_record(user)
    enrollment = (
        student.enrollments.filter(end_date__isnull=True).select_related("school").first()
        if student
        else None
    )
    if enrollment is None:
        raise PermissionDenied
    return student, enrollment.school


def self_report_page(request: HttpRequest, page: SelfReportPage) -> HttpResponse:
    """Served by the Wagtail page at /self-report/: the check-in form, and the student's
    earlier requests with where each one is."""
    if getattr(request, "is_preview", False):
        return render(request, "self_report/self_report_page.html", {"page": page, "preview": True})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_self_report(request.user):
        raise PermissionDenied
    student, school = _student_and_school(request.user)
    page = page.localized.specific
    catalogue = selectors.services_for(student=student, page=page)
    form = SelfReportForm(request.POST or None, page=page, services=catalogue)
    if request.method == "POST" and form.is_valid():
        if services.submission_allowed(student):
            report, _created = services.self_report_submit(
                student=student,
                school=school,
                language=get_language(),
                answers=_answers(form.cleaned_data),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
            return redirect("self_report:done", pk=report.pk)
        messages.error(
            request,
            _(
                "You have sent a lot of check-ins in the last hour. Please wait a little, "
                "or talk to an adult at school now."
            ),
        )
    return render(
        request,
        "self_report/self_report_page.html",
        {
            "page": page,
            "form": form,
            "statuses": selectors.request_statuses(student=student),
        },
    )


def _answers(data: dict) -> services.Answers:
    return services.Answers(
        wellbeing=data["wellbeing"],
        sleep=data.get("sleep", ""),
        eating=data.get("eating", ""),
        trusted_adult=data.get("trusted_adult", ""),
        hurting_self=data["hurting_self"],
        unsafe_at_home=data["unsafe_at_home"],
        services=list(data["services"]),
        talk_when="" if data["talk_when"] == NOT_NOW else data["talk_when"],
        talk_with=data["talk_with"] if data["talk_when"] not in ("", NOT_NOW) else "",
        own_words=data["own_words"],
    )


@permissions.require(permissions.can_self_report)
def done(request: HttpRequest, pk: int) -> HttpResponse:
    """The very next page: what happens now, and crisis help at once when an answer
    signalled risk of harm. Only the student's own report (404 otherwise)."""
    report = permissions.get_for_user_or_404(permissions.own_self_reports(request.user), pk=pk)
    return render(
        request,
        "self_report/done.html",
        {
            "report": report,
            "page": selectors.live_page(),
            # What the student asked for; the safety check and low check-in are the school's.
            "asked": report.requests.filter(kind__in=["service", "talk"]).select_related("service"),
        },
    )


@permissions.require(permissions.can_self_report)
def home(request: HttpRequest) -> HttpResponse:
    page = selectors.live_page()
    return redirect(page.url if page else "home")
