"""The student's side of a check-in: the self-report page (a Wagtail page served here), what
was sent, and the app's home. The team's side is in views.team."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from schoolwell import permissions
from schoolwell.access import reach
from self_report import selectors, services
from self_report.forms import NOT_NOW, SelfReportForm
from self_report.models import SelfReport, SelfReportPage


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
    posted = request.method == "POST"
    form = SelfReportForm(request.POST if posted else None, page=page, services=catalogue)
    if posted:
        answers = _answers(form.cleaned_data) if form.is_valid() else _risk_answers(form)
        if answers is not None:
            try:
                report, _created = services.self_report_submit(
                    student=student,
                    school=school,
                    language=get_language(),
                    answers=answers,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except services.CheckInNotSent:
                # The form comes back as they filled it in: they can send it again later.
                messages.error(
                    request,
                    _(
                        "Your check-in was not sent: you have sent a lot of check-ins in the "
                        "last hour. Your answers are still here, so you can send them again "
                        "later. If you need someone now, talk to an adult at school."
                    ),
                )
            else:
                return redirect("self_report:done", pk=report.pk)
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
    talk_when = data.get("talk_when", NOT_NOW)
    return services.Answers(
        wellbeing=data.get("wellbeing"),
        sleep=data.get("sleep", ""),
        eating=data.get("eating", ""),
        trusted_adult=data.get("trusted_adult", ""),
        hurting_self=data.get("hurting_self", False),
        unsafe_at_home=data.get("unsafe_at_home", False),
        services=list(data.get("services", [])),
        talk_when="" if talk_when == NOT_NOW else talk_when,
        talk_with=data.get("talk_with", "") if talk_when != NOT_NOW else "",
        own_words=data.get("own_words", ""),
    )


def _risk_answers(form: SelfReportForm) -> services.Answers | None:
    """A refused form that signals risk (a safety box, a risk phrase in the words as typed)
    is saved all the same, with the answers that were valid: a student who ticked "I do not
    feel safe at home" and skipped the first question, or wrote too much, must still be seen
    today and shown crisis help now. Anything else refused: None (the form shows why)."""
    words = str(form.data.get("own_words", "")).replace("\x00", "").strip()
    answers = _answers(form.cleaned_data)
    answers.own_words = words
    risk = services.signals_risk(
        hurting_self=answers.hurting_self, unsafe_at_home=answers.unsafe_at_home, own_words=words
    )
    return answers if risk else None


@permissions.require(permissions.can_self_report)
def done(request: HttpRequest, pk: int) -> HttpResponse:
    """The very next page: what happens now, and crisis help at once when an answer
    signalled risk of harm. Only the student's own report (404 otherwise)."""
    report = reach(SelfReport.objects.own(request.actor), pk, actor=request.actor)
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
