"""What a Python process pays to import the stack (Django set up, the URLs resolved, pandas
and plotly) with compiled modules kept in __pycache__, against compiling every module from
source, as a process does when the environment sets PYTHONDONTWRITEBYTECODE=1 and nothing
was compiled before (a fresh virtual environment, a fresh clone).

The two kinds of process run in turn, each a new interpreter; the one without compiled
modules reads its cache from an empty folder (-X pycache_prefix) and writes nothing. Prints
the median wall time of each and the ratio, pair by pair.

    .venv/bin/python bench/imports.py            # 5 pairs
    .venv/bin/python bench/imports.py --runs 9
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMPORT = (
    "import django; django.setup(); "
    "from django.urls import resolve; resolve('/'); "
    "import pandas, plotly"
)


def timed(env: dict, *flags: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *flags, "-c", IMPORT], cwd=REPO, env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "schoolwell.settings"}
    kept = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    never = {**base, "PYTHONDONTWRITEBYTECODE": "1"}
    timed(kept)  # writes the compiled modules the first kind then reads
    with tempfile.TemporaryDirectory() as empty:
        pairs = [(timed(kept), timed(never, "-X", f"pycache_prefix={empty}")) for _ in range(runs)]
    with_cache = statistics.median(a for a, _ in pairs)
    from_source = statistics.median(b for _, b in pairs)
    ratio = statistics.median(a / b for a, b in pairs)
    print(f"compiled modules kept: {with_cache:.2f} s (median of {runs})")
    print(f"compiled from source:  {from_source:.2f} s")
    print(f"kept / from source:    {ratio:.2f}x")


if __name__ == "__main__":
    main()
