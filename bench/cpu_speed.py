"""A fixed amount of pure-Python work, timed: a reading of how fast this machine is right now.

The machines CI runs on change speed during a session (a shared host): on one, collecting the
suite alone (`pytest --collect-only`) took 11.6 s and, an hour later, 16.4 s; `.ci/run` took
775 s before it slowed and 1,139 s after, on a commit that does less work. This loop, run at
module level (its name look-ups go through a dict, as most of Django's do), took 1.33 s while
the suite was slow and 0.66 s once it was fast again (collection 16.5 s, then 11.6 s); the same
loop on local names read 0.55 s, then 0.27 s. .ci/run prints this before
and after the tests, so a CI time can be read against the speed it ran at. Standard library
only.

    python3 bench/cpu_speed.py        # seconds for the work; lower is faster"""

import time

ROUNDS = 10_000_000
WORK = "total = 0\nfor i in range(rounds):\n    total += i\n"


def work(rounds: int = ROUNDS) -> float:
    names = {"rounds": rounds}
    start = time.perf_counter()
    exec(WORK, names)  # noqa: S102  (module-level names: a dict look-up per step)
    elapsed = time.perf_counter() - start
    assert names["total"] == rounds * (rounds - 1) // 2
    return elapsed


if __name__ == "__main__":
    print(f"cpu speed: {work():.2f} s for {ROUNDS:,} additions at module level (lower is faster)")
