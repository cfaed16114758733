"""Hypothesis profiles, loaded by tests/conftest.py before any test module builds its own
@settings (a settings object takes what it does not set from the profile loaded when it is
created, so `@settings(max_examples=400)` keeps the profile's derandomize and database).

- `ci`: the same examples on every run (derandomize, no example database), so a red CI run
  is red again on a rerun, and the failing example is printed as a blob to replay locally
  with @reproduce_failure. No deadline: a shared CI machine is slow in bursts.
- `dev`: Hypothesis' own defaults: each run explores new examples and keeps failing ones in
  the local example database (.hypothesis/), which replays them first next time.

HYPOTHESIS_PROFILE picks one; without it, CI=true means `ci` and anything else `dev`. The
command line's --hypothesis-profile still wins (the plugin loads it after this)."""

import os
from collections.abc import Mapping

from hypothesis import settings

CI_MAX_EXAMPLES = 100

# Both start from Hypothesis' own defaults, not from whatever profile is loaded when this
# module runs (a second import under CI=true would otherwise make `dev` a copy of `ci`).
DEFAULTS = settings.get_profile("default")

settings.register_profile(
    "ci",
    parent=DEFAULTS,
    derandomize=True,
    max_examples=CI_MAX_EXAMPLES,
    deadline=None,
    print_blob=True,
    database=None,
)
settings.register_profile("dev", parent=DEFAULTS)


def profile_name(environ: Mapping[str, str] = os.environ) -> str:
    chosen = environ.get("HYPOTHESIS_PROFILE", "").strip()
    if chosen:
        return chosen
    return "ci" if environ.get("CI", "").strip().lower() == "true" else "dev"


settings.load_profile(profile_name())
