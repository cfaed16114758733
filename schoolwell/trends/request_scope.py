"""The Scope (scope.py) of one request, a signed-in person's or a BI tool's token's: the
schools permissions.trends_school_ids() allows, narrowed by the URL's filters, the district's
threshold and the months the nightly summary covers."""

from django.db.models import Max, QuerySet

from schoolwell import permissions
from schoolwell.models import District, School
from schoolwell.trends import rollup
from schoolwell.trends.forms import TrendsFilterForm, default_range
from schoolwell.trends.scope import Scope
from schoolwell.trends.selectors import model


def _categories() -> QuerySet:
    return model("schoolwell.Category").objects.order_by("order", "name")


def _build(request, schools: QuerySet) -> tuple[TrendsFilterForm, Scope]:
    form = TrendsFilterForm(request.GET or None, schools=schools, categories=_categories())
    allowed = tuple(schools.values_list("id", flat=True))
    start, end = default_range()
    chosen, grades, categories = (), (), ()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = data["start"], data["end"]
        chosen = tuple(s.pk for s in data["school"])
        grades = tuple(data["grade"])
        categories = tuple(c.pk for c in data["category"])
    threshold = District.objects.filter(schools__id__in=allowed).aggregate(
        t=Max("suppression_threshold")
    )["t"]
    scope = Scope(
        school_ids=chosen or allowed,
        start=start,
        end=end,
        grades=grades,
        category_ids=categories,
        # The district's setting (at least 5, a database constraint); 10 if none applies.
        threshold=threshold or 10,
    )
    return form, rollup.with_summary(scope, rollup.latest())


def for_request(request) -> tuple[TrendsFilterForm, Scope]:
    schools = School.objects.filter(id__in=permissions.trends_school_ids(request.user)).order_by(
        "name"
    )
    return _build(request, schools)


def for_token(request, token) -> tuple[TrendsFilterForm, Scope]:
    return _build(request, School.objects.filter(district_id=token.district_id).order_by("name"))
