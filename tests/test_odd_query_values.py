"""Odd input never answers 500: every GET route of the role matrix, as someone who may use
it, with odd values in each query parameter its view reads, and odd numbers for the ids in
its path. `GET /resources/?case=¹` was a 500: str.isdigit() accepts digits int() refuses.

QUERY_PARAMS names what each view reads; test_every_query_parameter_a_view_reads_is_fuzzed
reads the views' source for request.GET lookups and the GET filter forms, so a new one with
no entry here fails."""

import re
from pathlib import Path

import pytest
from django import forms
from django.urls import get_resolver, resolve
from django.urls.converters import IntConverter

from community_links.forms import SearchForm
from schoolwell.trends.forms import TrendsFilterForm
from schoolwell.trends.models import TrendsToken, hash_key, new_key
from support_team.forms.cases import CaseFilterForm
from support_team.forms.triage import QueueFilterForm
from tests.role_matrix.read_world import build_context, sign_in
from tests.role_matrix.roles import LOGIN, ROLES
from tests.role_matrix.routes import PREFIXES, ROUTES
from tests.role_matrix.world import module_world

ROOT = Path(__file__).resolve().parent.parent
APPS = ("schoolwell", "support_team", "concerns", "community_links", "self_report")
ODD = [
    "¹",  # a digit to str.isdigit(), not to int()
    "٣",  # an Arabic-Indic three: int() reads it as 3
    "²³",
    "1e9999",
    "-1",
    str(10**30),
    str(2**63),
    "\x00",
    "%00",
    "x" * 5000,
    "[]",
    "",
    " ",
    "9999-12-31",
    "0001-01-01",
    "nan",
]
# The GET forms whose fields are query parameters, and the views that read them.
FORMS = {
    "support_team:queue": QueueFilterForm,
    "support_team:queue_row": QueueFilterForm,
    "support_team:queue_changes": QueueFilterForm,
    "support_team:cases": CaseFilterForm,
    "community_links:directory": SearchForm,
    "trends:dashboard": TrendsFilterForm,
    "trends:csv": TrendsFilterForm,
    "trends:api": TrendsFilterForm,
}
# Parameters a view reads itself (request.GET.get(...) and friends).
OWN_PARAMS = {
    "support_team:queue": ["partial"],
    "support_team:queue_changes": ["since"],
    "support_team:student": ["source", "category"],
    "support_team:cases": ["page"],
    "concerns:new": ["student", "q"],
    "concerns:student_search": ["q"],
    "community_links:directory": ["case"],
    "community_links:resource": ["case"],
    "community_links:referral_new": ["resources", "resource"],
    "partners:home": ["status"],
    # A district administrator of several districts picks one; the accounts list pages.
    "sso:provider": ["district"],
    "healthz": ["deep"],  # operators: every check now, not the cached probe
    "sso:accounts": ["district", "page"],
    # /cms/login/ sits under the Wagtail prefix the GET matrix covers; only `next` is read,
    # and only for editors, through url_has_allowed_host_and_scheme.
    "wagtail_admin_login": ["next"],
}
QUERY_PARAMS = {
    name: sorted({*OWN_PARAMS.get(name, []), *(FORMS[name].base_fields if name in FORMS else [])})
    for name in {*FORMS, *OWN_PARAMS}
}
EVERY_PARAM = sorted({p for params in QUERY_PARAMS.values() for p in params})
DATE_PARAMS = {
    name: [p for p, field in form.base_fields.items() if isinstance(field, forms.DateField)]
    for name, form in FORMS.items()
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, build_context) as built:
        yield built


def user_role(name: str) -> str | None:
    """Someone the route lets in (200), preferring the roles that see the most."""
    expected = ROUTES[name][1]
    preferred = ["safeguarding_lead", "district_admin", *ROLES]
    return next((r for r in preferred if expected[r] == 200 and r != "anonymous"), None)


def signed_in(client, world, role: str | None) -> tuple[dict, dict]:
    context = dict(world)
    headers = {}
    if role is not None:
        sign_in(client, context, role)
    key = new_key()
    TrendsToken.objects.create(
        district=world["school"].district, name="BI", key_hash=hash_key(key), key_start=key[:12]
    )
    headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"  # only the trends API reads it
    return context, headers


GET_ROUTES = [
    name
    for name, (_build, expected) in ROUTES.items()
    if name == "trends:api" or any(v not in (405, 401, LOGIN) for v in expected.values())
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_ROUTES)
def test_odd_query_values_never_answer_500(client, world, name):
    context, headers = signed_in(client, world, user_role(name))
    url = ROUTES[name][0](context)
    base, _, query = url.partition("?")
    params = QUERY_PARAMS.get(name.split(" (")[0])
    for value in ODD:
        # All at once, each alone, each twice, and the form's dates together (start=end=
        # 9999-12-31 is a valid range whose day after is past the calendar).
        tries = [dict.fromkeys(params or EVERY_PARAM, value)]
        if params:
            tries += [{p: value} for p in params] + [{p: [value, "1"] for p in params}]
        if len(dates := DATE_PARAMS.get(name, [])) > 1:
            tries.append(dict.fromkeys(dates, value))
        for extra in tries:
            response = client.get(base + ("?" + query if query else ""), extra, **headers)
            assert response.status_code < 500, (name, extra, response.status_code)


PATH_IDS = [0, 10**18 - 1, 2**63 - 1, 2**63, 10**30]
PART = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes_by_name(patterns=None, prefix="", namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(p, "url_patterns"):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes_by_name(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p.pattern.converters


WITH_IDS = {name for name, route, _found in routes_by_name() if "<id:" in route}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in ROUTES if n.split(" (")[0] in WITH_IDS])
def test_odd_ids_in_the_path_never_answer_500(client, world, name):
    build, expected = ROUTES[name]
    post_only = set(expected.values()) == {405}
    context, headers = signed_in(
        client, world, "safeguarding_lead" if post_only else user_role(name)
    )
    match = resolve(build(context).partition("?")[0])
    numbers = [k for k, v in match.kwargs.items() if isinstance(v, int)]
    for key in numbers:
        for odd in PATH_IDS:
            # By hand: reverse() refuses an id its converter would not match.
            values = match.kwargs | {key: odd}
            url = "/" + PART.sub(lambda m: str(values[m.group(2)]), match.route)
            response = client.post(url) if post_only else client.get(url, **headers)
            assert response.status_code < 500, (name, url, response.status_code)


def test_every_id_in_a_project_path_goes_through_the_id_converter():
    loose = [
        route
        for _name, route, found in routes_by_name()
        if not route.startswith(tuple(PREFIXES))
        and any(isinstance(c, IntConverter) for c in found.values())
    ]
    assert loose == [], f"<int:...> in a path: use <id:...> (schoolwell/converters.py): {loose}"


# --- the table above is complete ---------------------------------------------------------------

LOOKUP = re.compile(r"""\b(?:GET|source)\s*(?:\.get|\.getlist|\[)\(?\s*["'](\w+)["']""")
FORM_ON_GET = re.compile(r"(\w+Form)(?:\.from_query)?\(\s*request\.GET")


def source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, path.read_text()


def test_every_query_parameter_a_view_reads_is_fuzzed():
    read = {name for _path, text in source_files() for name in LOOKUP.findall(text)}
    forms = {name for _path, text in source_files() for name in FORM_ON_GET.findall(text)}
    assert read - set(EVERY_PARAM) == set(), "query parameters with no entry in OWN_PARAMS"
    assert forms - {form.__name__ for form in FORMS.values()} == set(), "GET forms not in FORMS"


def test_the_source_scan_finds_what_it_looks_for():
    assert LOOKUP.findall('x = request.GET.get("case", "")') == ["case"]
    assert LOOKUP.findall("source.getlist('resources')") == ["resources"]
    assert LOOKUP.findall('request.GET["student"]') == ["student"]
    assert LOOKUP.findall('resource["name"]') == []
    assert FORM_ON_GET.findall("QueueFilterForm.from_query(request.GET, schools=s)") == [
        "QueueFilterForm"
    ]
