"""Deny by default, proved: every URL pattern and websocket route against every role.

Each of the project's own routes must have an entry in ROUTES (tests/role_matrix/routes.py);
third-party route groups (allauth, the Django admin, Wagtail) are covered by the prefix they
are mounted at. A new route with no expectation fails test_every_route_has_an_expectation.
The roles are in tests/role_matrix/roles.py, the objects in tests/role_matrix/read_world.py.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from concerns.models import ConcernImport
from schoolwell.models import RosterImport
from schoolwell.routing import websocket_urlpatterns
from tests.role_matrix.read_world import build_context, sign_in
from tests.role_matrix.roles import LEGACY_IMPORT, LOGIN, ROLES, make_user
from tests.role_matrix.routes import (
    FOREIGN_OBJECT_ROUTES,
    PAGES,
    PREFIXES,
    ROUTES,
    WEBSOCKET_ROUTES,
)


def iter_patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                f"{namespace}{pattern.name}" if pattern.name else None,
            )


def shadowed_by_covered_route(route: str) -> bool:
    """A third-party route we replaced with our own earlier pattern (same literal path)."""
    if "<" in route or "^" in route:
        return False
    return resolve("/" + route).view_name in ROUTES


def test_every_route_has_an_expectation():
    missing = []
    for route, name in iter_patterns(get_resolver().url_patterns):
        if any(route.startswith(prefix) for prefix in PREFIXES):
            continue
        if name in ROUTES or shadowed_by_covered_route(route):
            continue
        missing.append((route, name))
    assert missing == [], f"routes with no role-matrix expectation: {missing}"


def test_every_websocket_route_has_an_expectation():
    routes = [str(p.pattern) for p in websocket_urlpatterns]
    assert sorted(routes) == sorted(WEBSOCKET_ROUTES)


@pytest.fixture
def context(db):
    return build_context()


def check(client, url: str, expected, role: str) -> None:
    response = client.get(url)
    # The Django admin and Wagtail send people to their own login first, which hands over to
    # allauth (or refuses a signed-in user without rights, 403): follow that one hop.
    if response.status_code == 302 and response["Location"].startswith(
        ("/admin/login/", "/cms/login/")
    ):
        response = client.get(response["Location"])
    if expected == LOGIN:
        assert response.status_code == 302, (role, url, response.status_code)
        assert "/accounts/login/" in response["Location"], (role, url, response["Location"])
    else:
        assert response.status_code == expected, (role, url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, context, role):
    sign_in(client, context, role)
    for name, (build, expectations) in ROUTES.items():
        check(client, build(context), expectations[role], role)
    for _prefix, (url, expectations) in PREFIXES.items():
        check(client, url, expectations[role], role)
    for url, expectations in PAGES.items():
        check(client, url, expectations[role], role)


@pytest.mark.parametrize("role", ROLES)
def test_objects_of_another_school_are_not_found(client, context, role):
    user = make_user(role, context["school"])
    if user is not None:
        client.force_login(user)
    for name, build in FOREIGN_OBJECT_ROUTES.items():
        allowed = ROUTES[name][1][role]
        response = client.get(build(context))
        if allowed == 200:
            assert response.status_code == 404, (role, name)
        else:
            assert response.status_code in (302, 403, 404), (role, name, response.status_code)


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"anonymous", "student"}))
def test_staff_without_mfa_reach_no_staff_page(client, context, role):
    user = make_user(role, context["school"], mfa=False)
    client.force_login(user)
    context["own_import"] = RosterImport.objects.create(source_name="own.zip", started_by=user)
    if role in LEGACY_IMPORT:
        context["own_concern_import"] = ConcernImport.objects.create(
            started_by=user, school=context["school"], file_name="own.csv"
        )
    for name, (build, _expectations) in ROUTES.items():
        if name in ("healthz",):
            continue
        response = client.get(build(context))
        assert response.status_code == 302, (role, name, response.status_code)
        assert response["Location"] == reverse("mfa_activate_totp"), (role, name)
    for url in ("/admin/", "/cms/"):
        response = client.get(url)
        assert response["Location"] == reverse("mfa_activate_totp"), (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_websocket_routes_admit_only_their_roles(context, role):
    from asgiref.sync import async_to_sync
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    from tests.support_team.sockets import queue_socket

    user = make_user(role, context["school"]) or AnonymousUser()

    async def attempt(communicator: WebsocketCommunicator) -> bool:
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    for path, expectations in WEBSOCKET_ROUTES.items():
        # Signed in, with a session: a socket follows its session (schoolwell/live_sessions.py)
        communicator = queue_socket(user, app=URLRouter(websocket_urlpatterns), path="/" + path)
        assert async_to_sync(attempt)(communicator) is expectations[role], (role, path)
