from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from schoolwell import permissions
from support_team import selectors


@permissions.require(permissions.can_use_queue)
def queue(request: HttpRequest) -> HttpResponse:
    intakes = list(selectors.queue_for(user=request.user)[: selectors.QUEUE_PAGE_SIZE])
    return render(request, "support_team/queue.html", {"intakes": intakes, "now": timezone.now()})
