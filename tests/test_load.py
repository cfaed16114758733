"""The short load run of bench/load.py, in `make test`: 20 queue screens, 2 teachers and
3 students for 20 s against daphne on PostgreSQL + Redis, with Redis killed for 10 s in the
middle. Counts only, never timings: every submission answered and saved, every screen back
and matching the database. The full run's figures are in docs/performance.md."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# django_db: the run migrates its test database, which the bench's database is copied from.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db]

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.long
def test_the_short_load_run_loses_nothing_and_every_screen_catches_up(tmp_path, pristine_database):
    figures = tmp_path / "load.json"
    run = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "--short",
            "--json",
            str(figures),
            # A copy of this run's migrated test database: the bench need not migrate.
            "--template",
            pristine_database,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        # The bench is its own deployment, not a parallel test worker (settings.py).
        env={k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"},
    )
    assert figures.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(figures.read_text())
    assert result["fault"] and result["during_outage"] > 0, "no submission fell in the outage"
    assert result["concerns"] > 0 and result["self_reports"] > 0
    assert result["errors"] == 0, (result["error_kinds"], result["server_errors"])
    assert result["lost"] == 0
    assert result["lost_connected"] == 0
    # Pub/sub keeps nothing while Redis is away: every screen must have been told (closed by
    # the heartbeat), come back, and re-read the rows.
    assert result["reconnected"] == result["clients"]
    assert result["catch_up"] is not None
    assert result["stale_final"] == 0
    assert result["screen_errors"] == 0, (result["screen_error_kinds"], result["server_errors"])
