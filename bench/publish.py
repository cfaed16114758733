"""What one publish costs a WSGI worker: schoolwell.realtime.send_now from a plain thread (as
in gunicorn), on the Redis pub/sub layer, against the way it used to send (a fresh
`async_to_sync` call each time: a new event loop, and with it a new Redis connection).

Both run in this process, in turn, against a private redis-server on a free loopback port
(the machine's Redis is never touched), with nobody subscribed: only the sender's cost is
measured. Prints the median and p95 of each, and the ratio.

    .venv/bin/python bench/publish.py                # 2,000 publishes each
    .venv/bin/python bench/publish.py --count 500
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import live_servers as live  # noqa: E402

REPO = BENCH.parent
EVENT = {"type": "queue.changed", "intake": 1, "version": 1}


def timed(send, count: int) -> list[float]:
    took = []
    for _ in range(count):
        start = time.perf_counter()
        send()
        took.append((time.perf_counter() - start) * 1000)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    redis, url = live.start_redis()
    try:
        os.environ.update(REDIS_URL=url, DJANGO_SETTINGS_MODULE="schoolwell.settings")
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        from schoolwell import realtime

        layer = get_channel_layer()

        def before():  # what send_now did: a loop (and a connection) per call
            async def send():
                async with asyncio.timeout(realtime.SEND_TIMEOUT):
                    await layer.group_send("school.1.queue", EVENT)

            async_to_sync(send)()

        def after():
            assert realtime.send_now("school.1.queue", EVENT)

        timed(after, 50)  # the sending loop and its connection are made once
        old, new = timed(before, args.count), timed(after, args.count)
    finally:
        live.stop(redis)
    for name, took in (("a loop per publish (before)", old), ("one loop per process", new)):
        p95 = statistics.quantiles(took, n=20)[-1]
        print(f"{name:30} median {statistics.median(took):6.3f} ms   p95 {p95:6.3f} ms")
    print(f"ratio before/after (median): {statistics.median(old) / statistics.median(new):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
