"""Dependencies point one way (ARCHITECTURE.md): the feeding apps write into support_team,
support_team rests on the core, the core rests on nothing, trends reads everything and nothing
reads trends. Imports (at the top of a module or inside a function) and model names in strings
("app.Model" in a relation, `get_model(...)`) both count; migrations do not.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Folder -> app, most specific first: a package of an app folder may be an app of its own.
APPS = {
    "schoolwell/trends": "trends",
    "schoolwell/sso": "sso",
    "support_team/transfers": "transfers",
    "schoolwell": "schoolwell",
    "concerns": "concerns",
    "self_report": "self_report",
    "support_team": "support_team",
    "community_links": "community_links",
}
OUTSIDE = {"tests": "tests", "bench": "bench"}  # never imported by an app
FEEDERS = {"concerns", "self_report", "community_links", "transfers"}
ALLOWED = {
    **{app: {"support_team", "schoolwell"} for app in FEEDERS},
    "support_team": {"schoolwell"},
    "sso": {"schoolwell"},
    "schoolwell": set(),
    "trends": set(APPS.values()),
    "project": set(APPS.values()),
}
# The project's wiring (in the core's folder) installs and routes to every app, trends too.
PROJECT = {"schoolwell/urls.py", "schoolwell/settings.py", "schoolwell/signin_settings.py"}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
MODEL_LOOKUPS = {"get_model", "model"}


@dataclass(frozen=True)
class Edge:
    source: str  # app
    target: str  # app, or tests/bench
    where: str  # file:line
    what: str  # the import or the string

    def __str__(self) -> str:
        return f"{self.where}: {self.source} -> {self.target} ({self.what})"


def _app_of_path(relative: str, apps: dict[str, str]) -> str | None:
    if relative in PROJECT:
        return "project"
    for folder, app in apps.items():
        if relative == folder or relative.startswith(folder + "/"):
            return app
    return None


def _app_of_module(module: str) -> str | None:
    return _app_of_path(module.replace(".", "/"), {**APPS, **OUTSIDE})


def _app_of_label(label: str) -> str | None:
    return label if label in APPS.values() else None


def _module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _string_target(node: ast.Call) -> tuple[str | None, str] | None:
    """The app a relation or model lookup names in a string, with the string."""
    name = _call_name(node)
    args = [a.value for a in node.args if isinstance(a, ast.Constant)]
    strings = [a for a in args if isinstance(a, str)]
    if name in RELATIONS:
        to = next((k.value for k in node.keywords if k.arg == "to"), None)
        text = to.value if isinstance(to, ast.Constant) else (strings[0] if strings else None)
        if isinstance(text, str) and "." in text:
            return _app_of_label(text.split(".")[0]), text
    if name in MODEL_LOOKUPS and strings:
        text = strings[0]
        label = text.split(".")[0] if "." in text else text
        return _app_of_label(label), ".".join(strings[:2]) if "." not in text else text
    return None


def edges_in(root: Path) -> list[Edge]:
    """Every dependency of one app on another under root, with where it is written."""
    found = []
    for folder in dict.fromkeys(APPS):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts:
                continue
            source = _app_of_path(relative.as_posix(), APPS)
            module = _module_name(relative)
            tree = ast.parse(path.read_text(), filename=str(relative))
            for node in ast.walk(tree):
                for target, what in _targets(node, module, path.name == "__init__.py"):
                    if target and target != source:
                        where = f"{relative.as_posix()}:{node.lineno}"
                        found.append(Edge(source, target, where, what))
    return list(dict.fromkeys(found))


def _targets(node: ast.AST, module: str, is_package: bool):
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield _app_of_module(alias.name), alias.name
    elif isinstance(node, ast.ImportFrom):
        name = _absolute(node, module, is_package)
        for alias in node.names:
            yield _app_of_module(f"{name}.{alias.name}") or _app_of_module(name), name
    elif isinstance(node, ast.Call) and (target := _string_target(node)):
        yield target


def bad_edges(edges: list[Edge]) -> list[Edge]:
    bad = []
    for edge in edges:
        if edge.target in OUTSIDE.values() or edge.target not in ALLOWED[edge.source]:
            bad.append(edge)
    return bad


def cycles(edges: list[Edge]) -> list[list[str]]:
    """The groups of apps that reach each other (strongly connected, Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if edge.source != "project" and edge.target in APPS.values():
            graph.setdefault(edge.source, set()).add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for nxt in sorted(graph.get(app, ())):
            if nxt not in index:
                visit(nxt)
                low[app] = min(low[app], low[nxt])
            elif nxt in stack:
                low[app] = min(low[app], index[nxt])
        if low[app] == index[app]:
            group = []
            while not group or group[-1] != app:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return sorted(found)


def _report(edges: list[Edge]) -> str:
    return "\n".join(str(edge) for edge in edges)


def test_every_dependency_between_apps_points_the_way_architecture_allows():
    bad = bad_edges(edges_in(ROOT))
    assert not bad, "dependencies against ARCHITECTURE.md:\n" + _report(bad)


def test_no_cycle_between_apps():
    edges = edges_in(ROOT)
    found = cycles(edges)
    first = {}
    for edge in edges:
        if any(edge.source in group and edge.target in group for group in found):
            first.setdefault((edge.source, edge.target), edge)
    assert not found, f"apps that import each other: {found}\n" + _report(list(first.values()))


def _plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checker_catches_a_planted_edge_of_every_kind(tmp_path):
    _plant(
        tmp_path,
        {
            "schoolwell/__init__.py": "",
            "schoolwell/routing.py": "import os\nfrom support_team.consumers import Q\n",
            "schoolwell/urls.py": "from schoolwell.trends import views\n",
            "schoolwell/trends/views.py": "from concerns.models import Concern\n",
            "support_team/__init__.py": "",
            "support_team/models.py": (
                "from django.db import models\n"
                "class Case(models.Model):\n"
                "    category = models.ForeignKey('concerns.Category', on_delete=None)\n"
                "    school = models.ForeignKey(to='schoolwell.School', on_delete=None)\n"
            ),
            "support_team/views.py": "def v():\n    from ..concerns import forms\n",
            "support_team/transfers/build.py": "from support_team.services import intake_open\n",
            "support_team/migrations/0001.py": "from concerns.models import Concern\n",
            "concerns/models.py": "from support_team.selectors import x\nimport tests.factories\n",
            "concerns/selectors.py": "def f(apps):\n    return apps.get_model('trends', 'Day')\n",
            "self_report/services.py": "model('community_links.Referral')\n",
        },
    )
    edges = edges_in(tmp_path)
    bad = {(e.where, e.target) for e in bad_edges(edges)}
    assert bad == {
        ("schoolwell/routing.py:2", "support_team"),
        ("support_team/models.py:3", "concerns"),
        ("support_team/views.py:2", "concerns"),
        ("concerns/models.py:2", "tests"),
        ("concerns/selectors.py:2", "trends"),
        ("self_report/services.py:1", "community_links"),
    }
    # Allowed: the project URLconf naming trends, trends reading concerns, transfers writing
    # into the hub, a relation to the core, and anything in a migration.
    assert ("schoolwell/urls.py:1", "trends") in {(e.where, e.target) for e in edges}
    # concerns <-> support_team, concerns <-> trends, core <-> support_team: one knot.
    assert cycles(edges) == [["concerns", "schoolwell", "support_team", "trends"]]
    # The edges the architecture allows never close a loop.
    assert cycles([e for e in edges if e not in bad_edges(edges)]) == []
