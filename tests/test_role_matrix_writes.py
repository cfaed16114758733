"""Who may write, proved: every route that accepts POST, for every role, with a real object of
school A (the acting users' school), of school B, and of school A with school B's people
or records in the form, a valid CSRF token and the body an authorised user would send.
Allowed: 2xx/3xx and the write happened. Refused: the expected status and nothing in the
database changed (every row of every table, history included).

The routes and their expectations are in tests/role_matrix/writes.py; a route that accepts
POST and has no expectation there fails test_every_route_that_accepts_post_has_an_expectation.
The world (tests/role_matrix/world.py) is built once for the module; each case runs in a
savepoint on top of it, so it starts from the same state."""

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests import snapshots
from tests.role_matrix.expect import NO_FOREIGN, WRITES, foreign_expected, mixed_expected
from tests.role_matrix.read_world import build_context, sign_in
from tests.role_matrix.roles import LOGIN, ROLES, make_user
from tests.role_matrix.routes import PREFIXES, ROUTES
from tests.role_matrix.world import build_world, module_world
from tests.role_matrix.writes import POST_READS, WRITE_ROUTES, route_name
from tests.snapshots import OUR_APPS, changed, tables
from tests.transfers.conftest import reauthenticated

# Rows a read writes by design: who read what (the access log), when a reporter last looked.
READ_LOGS = {"accesslog", "historicalaccesslog", "statusseen"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, build_world) as built:
        yield built


# Every table a route could write: the apps' own (history and link tables included) and
# Wagtail's (a partner's proposal is a draft revision), by snapshot key.
TABLES = tables(OUR_APPS, ("wagtailcore",))


def snapshot() -> dict[str, object]:
    return snapshots.snapshot(TABLES)


class Ctx:
    """What a route's url, body and hooks see: the world, the school worlds whose objects
    the URL (`w`) and the body (`b`) name, and the acting role and user."""

    def __init__(self, world, role: str, school: str):
        self.world, self.role, self.own = world, role, school == "own"
        self.w = world.b if school == "other" else world.a
        self.b = world.a if school == "own" else world.b
        self.user = world.users[role]


def signed_in(ctx: Ctx, *, reauth: bool) -> tuple[Client, str]:
    """A browser of this user with a CSRF cookie, and the token its forms would carry."""
    client = Client(enforce_csrf_checks=True)
    if ctx.user is not None:
        if reauth:
            reauthenticated(client, ctx.user)
        else:
            client.force_login(ctx.user)
    request = HttpRequest()
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    return client, token


def send(ctx: Ctx, spec, *, token: str | None, client: Client):
    data = spec.body(ctx) | (spec.files(ctx) if spec.files else {})
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(spec.url(ctx), data)


def cases():
    for key, spec in WRITE_ROUTES.items():
        for role in ROLES:
            yield pytest.param(key, role, "own", id=f"{key}-{role}-own")
            if spec.foreign != NO_FOREIGN:
                yield pytest.param(key, role, "other", id=f"{key}-{role}-other school")
            # A role the page turns away never reaches the body: the own case shows that.
            if spec.mixed is not None and role in spec.expected.page:
                yield pytest.param(key, role, "mixed", id=f"{key}-{role}-other school's in form")


EXPECTED = {"own": lambda spec: spec.expected, "other": foreign_expected, "mixed": mixed_expected}


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role", "school"), list(cases()))
def test_write_matrix(world, key, role, school):
    spec = WRITE_ROUTES[key]
    expected = EXPECTED[school](spec)[role]
    ctx = Ctx(world, role, school)
    client, token = signed_in(ctx, reauth=spec.reauth)
    if spec.prepare:
        spec.prepare(ctx)
    before = snapshot()
    response = send(ctx, spec, token=token, client=client)
    after = snapshot()
    status, where = response.status_code, response.get("Location", "")
    if expected == WRITES:
        # Not sent to allauth's pages (/accounts/...: sign-in, reauthentication).
        assert 200 <= status < 400 and not where.startswith("/accounts/"), (status, where)
        if spec.wrote:
            assert spec.wrote(ctx), "allowed, but nothing was written"
        else:
            assert spec.changes in changed(before, after), (
                f"allowed, but wrote {changed(before, after)}"
            )
        return
    if expected == LOGIN:
        assert status == 302 and where.startswith("/accounts/login/"), (status, where)
    else:
        assert status == expected, (status, where)
    # A refusal that shows the page again (200, 400) shows the record: that read is logged.
    logged = READ_LOGS if expected in (200, 400) else set()
    assert set(changed(before, after)) - logged == set(), "refused, but the database changed"
    if spec.wrote:
        assert not spec.wrote(ctx), "refused, but the write happened"


def first_writer(spec) -> str:
    return next(role for role in ROLES if spec.expected[role] == WRITES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key", [k for k, s in WRITE_ROUTES.items() if WRITES in s.expected.values()]
)
def test_a_write_without_the_csrf_token_is_refused_and_changes_nothing(world, key):
    spec = WRITE_ROUTES[key]
    ctx = Ctx(world, first_writer(spec), "own")
    client, _token = signed_in(ctx, reauth=spec.reauth)
    if spec.prepare:
        spec.prepare(ctx)
    before = snapshot()
    response = send(ctx, spec, token=None, client=client)
    assert response.status_code == 403
    assert changed(before, snapshot()) == []


def staff_writer(spec) -> str | None:
    return next(
        (r for r in ROLES if spec.expected[r] == WRITES and r not in ("anonymous", "student")),
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", [k for k, s in WRITE_ROUTES.items() if staff_writer(s)])
def test_staff_without_mfa_write_nothing(world, key):
    spec = WRITE_ROUTES[key]
    ctx = Ctx(world, staff_writer(spec), "own")
    ctx.user = make_user(ctx.role, world.a.school, mfa=False)
    client, token = signed_in(ctx, reauth=spec.reauth)
    if spec.prepare:
        spec.prepare(ctx)
    before = snapshot()
    response = send(ctx, spec, token=token, client=client)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert changed(before, snapshot()) == []


# --- every route that accepts POST is in the matrix ---------------------------------------------


def project_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name, view) of every URL pattern outside the third-party groups."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_routes(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and not (prefix + str(pattern.pattern)).startswith(
            tuple(PREFIXES)
        ):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}", pattern.callback


def accepts_post(view) -> bool:
    """From the view itself: a class-based view's methods, or the list that Django's
    require_http_methods (require_POST, require_GET) closed over; no such list: any method."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    fn = view
    while fn is not None:
        code = getattr(fn, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = fn.__closure__[code.co_freevars.index("request_method_list")]
            return "POST" in cell.cell_contents
        fn = getattr(fn, "__wrapped__", None)
    return True


def shadowed(route: str, name: str) -> bool:
    """A third-party route our own earlier pattern replaced (same literal path)."""
    return "<" not in route and "^" not in route and resolve("/" + route).view_name != name


def test_every_route_that_accepts_post_has_an_expectation():
    covered = {route_name(key) for key in WRITE_ROUTES} | POST_READS
    missing = [
        (route, name)
        for route, name, view in project_routes()
        if accepts_post(view) and not shadowed(route, name) and name not in covered
    ]
    assert missing == [], f"routes that accept POST with no write expectation: {missing}"


def test_every_write_expectation_is_for_a_route_that_accepts_post():
    accepting = {name for _route, name, view in project_routes() if accepts_post(view)}
    listed = {route_name(key) for key in WRITE_ROUTES} | POST_READS
    assert listed - accepting == set()


def test_the_method_check_tells_a_post_only_view_from_a_get_only_one():
    views = {name: view for _route, name, view in project_routes()}
    assert accepts_post(views["support_team:claim"]) and not accepts_post(views["healthz"])


# --- a POST to a page that only reads writes nothing -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_post_to_a_read_only_page_writes_nothing(role):
    context = build_context()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, context, role)
    request = HttpRequest()
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    for name, (build, _expected) in ROUTES.items():
        if route_name(name) not in POST_READS:
            continue
        url = build(context)
        before = snapshot()
        response = client.post(url, {"csrfmiddlewaretoken": token, "action": "confirm"})
        assert response.status_code < 500, (name, response.status_code)
        writes = [t for t in changed(before, snapshot()) if t not in READ_LOGS]
        assert writes == [], (name, role, writes)
