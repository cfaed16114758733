"""Three sets of models moved between apps with migrations that keep existing rows: the transfers
out of support_team (tests/transfers/app_move.py), the trends out of the core
(tests/trends/app_move.py) and the need categories and service catalogue into the core
(tests/schoolwell/catalogue_move.py). Each writes rows through its models as they were before
its move and reads them after it, with the same keys and the content types relabelled.

One walk serves all three: back once to where neither the transfers nor the trends had moved,
their rows written there; forward to just before the catalogue's move, its rows written there;
forward to the latest. Migrating is most of these tests' time (Django renders the project's
models again at each step), and each on its own went back and forward over much the same
migrations: 16 back and 16 forward together against 33 and 33 apart."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.schoolwell import catalogue_move
from tests.transfers import app_move as transfers_move
from tests.trends import app_move as trends_move

MOVES = (transfers_move, trends_move, catalogue_move)


def applied_state():
    """Every app's models as the migrations applied now left them."""
    loader = MigrationExecutor(connection).loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied).apps


def back_to(targets: list) -> None:
    """What `migrate app name` does for each target: unapply its app's later migrations and
    every migration that depends on them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def forward_to_just_before(key: tuple[str, str]) -> None:
    """Apply every migration not applied yet except `key`'s app's later ones and those that
    depend on them: the state `migrate` would leave going back to `key` from the latest."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    later = {
        node
        for child in graph.node_map[key].children
        if child.key[0] == key[0]
        for node in graph.backwards_plan(child.key)
    }
    plan = [
        (migration, backwards)
        for migration, backwards in executor.migration_plan(graph.leaf_nodes())
        if (migration.app_label, migration.name) not in later
    ]
    executor.migrate(None, plan=plan)


def to_the_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_rows_written_before_each_app_move_are_read_after_it():
    kept = {move: move.rows_that_stay() for move in MOVES}
    before = {}
    try:
        back_to([transfers_move.BEFORE, trends_move.BEFORE])
        old = applied_state()
        for move in (transfers_move, trends_move):
            before[move] = move.write_before_the_move(old, *kept[move])
        forward_to_just_before(catalogue_move.BEFORE)
        before[catalogue_move] = catalogue_move.write_before_the_move(
            applied_state(), *kept[catalogue_move]
        )
    finally:
        to_the_latest()

    for move in MOVES:
        move.read_after_the_move(before[move], *kept[move])
