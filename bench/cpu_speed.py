"""A fixed amount of pure-Python work, timed: a reading of how fast this machine is right now.

The machines CI runs on change speed during a session (a shared host): on one, collecting the
suite alone (`pytest --collect-only`) took 11.6 s and, an hour later, 16.4 s; `.ci/run` took
775 s before it slowed and 1,139 s after, on a commit that does less work. This loop, run at
module level as here (its name look-ups go through a dict, as most of Django's do), took
2.9 s for 30 million additions when one of those CI runs began and 4.0 s when it ended. (The
same loop inside a function, on local names, read 0.55 s per 10 million while the suite was
slow; with no reading of it from before, it is not the one used.) .ci/run prints this before
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
