"""The district trends pages: the dashboard, one CSV per chart, and the JSON for the
district's BI tools. Everything they return comes from frames.PublishedTable, which holds
suppressed figures only."""

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from schoolwell import permissions
from schoolwell.exports import SafeWriter
from schoolwell.trends import api, cellkey, charts, request_scope, tables


@require_GET
@permissions.require_or_404(permissions.can_view_trends)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, scope = request_scope.for_request(request)
    published = tables.build(scope)
    return render(
        request,
        "trends/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "tables": [(t, charts.figure(t)) for t in published],
            "query": request.GET.urlencode(),
            "show_schools": len(form.fields["school"].queryset) > 1,
            "spread": cellkey.SPREAD,
        },
    )


@require_GET
@permissions.require_or_404(permissions.can_view_trends)
def table_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in tables.TABLES:
        raise Http404
    _form, scope = request_scope.for_request(request)
    found = tables.build(scope, [key])
    if not found:
        raise Http404
    return csv_response(found[0], scope)


def csv_response(table, scope) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"schoolwell-trends-{table.key}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Row and column labels are names people typed (schools, categories, services): a
    # spreadsheet must show them, never run them.
    writer = SafeWriter(response)
    writer.writerow([table.row_header, *table.columns])
    for row in table.rows:
        writer.writerow([row.label, *(cell.text for cell in row.cells)])
    return response


@require_GET
def api_tables(request: HttpRequest) -> JsonResponse:
    """Read-only JSON of every table, for a district's BI tool (Authorization: Bearer key)."""
    token = api.token_for(request)
    if token is None:
        response = JsonResponse({"error": "a valid trends API token is required"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="schoolwell-trends"'
        return response
    form, scope = request_scope.for_token(request, token)
    if form.errors:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    payload = {
        "generated_at": timezone.now().isoformat(),
        "filters": api.filters_json(scope),
        "suppression_threshold": scope.threshold,
        # Every count above zero is published with a cell-key adjustment of at most this much
        # either way (the same for the same records); counts about fewer students than the
        # threshold read "<threshold".
        "count_adjustment_limit": cellkey.SPREAD,
        "tables": [api.table_json(t) for t in tables.build(scope)],
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False), content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response
