"""CI runs the same Hypothesis examples every time; local runs keep exploring; the fuzz tests'
own @settings keep whatever the profile sets and they do not."""

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

from tests.hypothesis_profiles import CI_MAX_EXAMPLES, profile_name

ROOT = Path(__file__).resolve().parent.parent


def test_the_ci_profile_is_repeatable_and_prints_how_to_replay_a_failure():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    assert ci.deadline is None
    assert ci.print_blob is True
    assert ci.max_examples == CI_MAX_EXAMPLES


def test_the_dev_profile_explores_with_a_local_example_database():
    dev = settings.get_profile("dev")
    assert dev.derandomize is False
    assert dev.database is not None


def test_ci_true_picks_the_ci_profile_and_hypothesis_profile_overrides_it():
    assert profile_name({"CI": "true"}) == "ci"
    assert profile_name({}) == "dev"
    assert profile_name({"CI": "false"}) == "dev"
    assert profile_name({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}) == "dev"
    assert profile_name({"HYPOTHESIS_PROFILE": "ci"}) == "ci"


def test_the_fuzz_settings_keep_the_ci_profile_for_what_they_do_not_set():
    """In a fresh interpreter, as pytest does it: the profile first, then a test module's
    @settings (the fuzzers' BOUNDED sets max_examples, deadline and health checks only)."""
    code = (
        "import tests.hypothesis_profiles\n"
        "from tests.fuzz.engine import BOUNDED\n"
        "print(BOUNDED.derandomize, BOUNDED.database, BOUNDED.print_blob, BOUNDED.max_examples)"
    )
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "ci",
        "DJANGO_SETTINGS_MODULE": "schoolwell.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "None", "True", "25"]
