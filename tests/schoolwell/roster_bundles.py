"""The OneRoster import tests' samples (the spec's shared/data) and helpers: the import as
the command line runs it, every table's row count, and small edits to a copied bundle."""

import shutil
import zipfile
from pathlib import Path

import pytest
from django.apps import apps

from schoolwell import roster
from schoolwell.models import Category, RosterImport, Service
from schoolwell.roster import RosterError

REPO = next(p for p in Path(__file__).resolve().parents if (p / "manage.py").exists())
SHARED = REPO / ".." / "shared" / "data"
V11 = SHARED / "oneroster-1.1"
FULL = SHARED / "oneroster-1.2" / "full"
MINIMAL = SHARED / "oneroster-1.2" / "minimal"


def import_path(path, **kwargs) -> RosterImport:
    """The import as the command line runs it: the whole site is in scope (who may import
    what is tests/schoolwell/test_roster_scope*.py)."""
    return roster.import_path(path, scope=roster.Scope.command_line(), **kwargs)


def table_counts() -> dict[str, int]:
    """Rows in every schoolwell table, history and link tables included, except the import
    records themselves (a refused import is recorded on purpose) and the need and service
    catalogue (content the roster never writes; migrations fill the needs)."""
    skip = {RosterImport, Category, Category.history.model, Service}
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("schoolwell").get_models(include_auto_created=True)
        if model not in skip
    }


def copy_bundle(sample: Path, tmp_path: Path, name: str = "bundle") -> Path:
    target = tmp_path / name
    shutil.copytree(sample, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a bundle file, keeping its bytes otherwise as they were."""
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))


def drop_rows(path: Path, *sourced_ids: str) -> None:
    """Remove the rows whose sourcedId or userSourcedId is one of these."""
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not any(f"{sid}," in line for sid in sourced_ids)]
    path.write_bytes("".join(kept).encode("utf-8"))


def make_delta(bundle: Path) -> None:
    edit(bundle / "manifest.csv", ",bulk", ",delta", count=6)


def refused(path: Path) -> list[str]:
    with pytest.raises(RosterError) as caught:
        import_path(path)
    return [str(problem) for problem in caught.value.problems]


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
    return target
