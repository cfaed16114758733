"""Pages of the core: where each person lands (home) and the health check. The roster import's
pages are in views.roster."""

import asyncio
import contextlib
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from schoolwell import permissions, realtime


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person where they work; people with nowhere yet see their roles."""
    destination = permissions.home_for(request.user)
    if destination:
        return redirect(destination)
    return render(
        request,
        "schoolwell/home.html",
        {"memberships": permissions.memberships(request.user)},
    )


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return "ok"


async def _ping_channel_layer() -> None:
    """A message sent to a new channel comes back. All in one event loop: the Redis pub/sub
    layer keeps channels per loop."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    try:
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("channel layer returned something else")
    finally:
        await realtime.release(layer, channel)


def _check_channel_layer() -> str:
    async_to_sync(_ping_channel_layer)()
    return "ok"


def _check_tasks() -> str:
    """The backend's name; the database backend must also reach its queue table."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    if type(backend).__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    return type(backend).__name__


HEALTH_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "tasks": _check_tasks,
}


# Load balancers ask often; the answer is the last full check, shared by every process through
# the cache, re-run at most this often (seconds). A failing check is re-run sooner.
PROBE_KEY = "healthz:probe"
PROBE_SECONDS, DEGRADED_PROBE_SECONDS = 10, 2


def _run_checks() -> dict[str, str]:
    report = {}
    healthy = True
    for name, check in HEALTH_CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:
            healthy = False
            report[name] = f"error: {type(exc).__name__}"
    report["status"] = "ok" if healthy else "degraded"
    return report


def _probe() -> dict[str, str]:
    """The cached check; when the cache itself cannot answer, a full check now."""
    try:
        report = cache.get(PROBE_KEY)
    except Exception:
        return _run_checks()
    if report is None:
        report = _run_checks()
        seconds = PROBE_SECONDS if report["status"] == "ok" else DEGRADED_PROBE_SECONDS
        with contextlib.suppress(Exception):  # the report already says the cache failed
            cache.set(PROBE_KEY, report, seconds)
    return report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For operators and load balancers: 200 when every dependency answers, 503 otherwise.
    Error text names the failing part, never a connection string. `?deep=1` runs every
    check now (operators); without it the answer is at most PROBE_SECONDS old."""
    report = _run_checks() if request.GET.get("deep") else _probe()
    healthy = report["status"] == "ok"
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"indent": 1})
