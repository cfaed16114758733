"""A view never reads a student-record model through a plain `Model.objects`: it goes through
`Model.objects.visible_to(actor)` (or the app's accessor, which does), so a view cannot
forget the scope. Read from the source of every view module; the models that count are
found from the schema: every model whose foreign keys lead to a Student."""

import ast
from pathlib import Path

from django.apps import apps
from django.db.models import ForeignKey, OneToOneField

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = ("schoolwell", "concerns", "self_report", "support_team", "transfers", "community_links")
# Manager methods that take the actor and scope the rows themselves.
SCOPED = {"visible_to", "own", "for_partner", "organization_ids"}
LOOKUPS = {"get_object_or_404", "get_list_or_404"}


def student_record_models() -> set[str]:
    """Names of our models that hold a student's record: Student, and every model whose
    foreign keys lead there (a note -> its case -> the student)."""
    ours = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    found = {apps.get_model("schoolwell", "Student")}
    grew = True
    while grew:
        grew = False
        for model in ours:
            if model in found or model.__name__.startswith("Historical"):
                continue
            targets = {
                f.related_model
                for f in model._meta.get_fields()
                if isinstance(f, ForeignKey | OneToOneField) and f.concrete
            }
            if targets & found:
                found.add(model)
                grew = True
    return {m.__name__ for m in found}


def view_modules() -> list[Path]:
    files = []
    for app in ("schoolwell", "concerns", "self_report", "support_team", "community_links"):
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts:
                continue
            if "views" in parts[:-1] or path.name == "views.py" or path.name.endswith("_views.py"):
                files.append(path)
    return sorted(files)


def unscoped_reads(source: str, models: set[str]) -> list[tuple[int, str]]:
    """(line, text) of each `Model.objects.<not scoped>` and `get_object_or_404(Model, ...)`
    on a student-record model."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in models
            and node.attr not in SCOPED
        ):
            found.append((node.lineno, f"{node.value.value.id}.{node.value.attr}.{node.attr}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in LOOKUPS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in models
        ):
            found.append((node.lineno, f"{node.func.id}({node.args[0].id}, ...)"))
    return found


def test_the_student_record_models_are_found_from_the_schema():
    models = student_record_models()
    for name in ("Student", "Concern", "SelfReport", "Intake", "Case", "Note", "Referral"):
        assert name in models
    assert "Intervention" in models  # intervention -> goal -> case -> student
    assert "School" not in models and "Resource" not in models


def test_the_check_catches_a_plain_read_and_lets_a_scoped_one_pass():
    planted = (
        "from django.shortcuts import get_object_or_404\n"
        "def view(request, pk):\n"
        "    a = Concern.objects.get(pk=pk)\n"
        "    b = Concern.objects.visible_to(request.actor).get(pk=pk)\n"
        "    c = get_object_or_404(Case, pk=pk)\n"
        "    d = School.objects.get(pk=pk)\n"
    )
    found = unscoped_reads(planted, {"Concern", "Case"})
    assert sorted(line for line, _ in found) == [3, 5]


def test_no_view_reads_a_student_record_model_without_its_scope():
    models = student_record_models()
    modules = view_modules()
    assert len(modules) > 10
    bad = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in modules
        for line, text in unscoped_reads(path.read_text(), models)
    ]
    assert not bad, "read through Model.objects.visible_to(actor) or an accessor:\n" + "\n".join(
        bad
    )
