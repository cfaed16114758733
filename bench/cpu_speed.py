"""A fixed amount of pure-Python work, timed: a reading of how fast this machine is right now.

The machines CI runs on change speed during a session (a shared host): on one, collecting the
suite alone (`pytest --collect-only`) took 11.6 s and, an hour later, 16.4 s; `.ci/run` took
775 s before it slowed and 1,139 s after, on a commit that does less work. .ci/run prints
this reading before and after the tests, so a CI time can be read against the speed it ran
at. Standard library only.

    python3 bench/cpu_speed.py        # seconds for the work; lower is faster"""

import time

ROUNDS = 10_000_000


def work(rounds: int = ROUNDS) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(rounds):
        total += i
    assert total == rounds * (rounds - 1) // 2
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"cpu speed: {work():.2f} s for {ROUNDS:,} additions (lower is faster)")
