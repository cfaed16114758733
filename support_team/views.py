from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from schoolwell import audit, permissions
from support_team import selectors
from support_team.models import TimelineEntry


@permissions.require(permissions.can_use_queue)
def queue(request: HttpRequest) -> HttpResponse:
    intakes = list(selectors.queue_for(user=request.user)[: selectors.QUEUE_PAGE_SIZE])
    return render(request, "support_team/queue.html", {"intakes": intakes, "now": timezone.now()})


@permissions.require(permissions.can_use_queue)
def student_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one student at the user's schools, newest first. The read is logged."""
    student = permissions.get_student_or_404(request.user, pk)
    audit.access_log(user=request.user, obj=student, reason="chronology")
    source = request.GET.get("source", "")
    category = request.GET.get("category", "")
    entries = list(
        selectors.timeline_for(
            user=request.user, student=student, source=source, category=category
        )[:500]
    )
    return render(
        request,
        "support_team/student.html",
        {
            "student": student,
            "entries": entries,
            "enrollments": student.enrollments.select_related("school"),
            "guardians": student.guardians.all(),
            "sources": TimelineEntry.Source.choices,
            "categories": selectors.timeline_categories(),
            "source": source,
            "category": category,
        },
    )
