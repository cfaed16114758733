"""Publishing from a WSGI worker (schoolwell/realtime.py): a plain thread sends through one
long-lived loop of the process, so the Redis layer keeps its connection between publishes."""

import threading
from types import SimpleNamespace

import pytest

from schoolwell import realtime
from tests.support_team.listen import heard_by_queue


@pytest.mark.redis
def test_plain_threads_publish_through_one_loop_and_every_event_arrives():
    loops = []

    def publish_like_a_wsgi_worker():
        for intake in (1, 2, 3):
            assert realtime.send_now(
                realtime.queue_group(7), {"type": "queue.changed", "intake": intake, "version": 1}
            )
            loops.append(realtime._loop)

    def from_plain_threads():
        for _ in range(2):  # two requests, one after the other, on fresh threads
            worker = threading.Thread(target=publish_like_a_wsgi_worker)
            worker.start()
            worker.join()

    _, events = heard_by_queue(SimpleNamespace(pk=7), from_plain_threads, count=6)
    assert [e["intake"] for e in events] == [1, 2, 3, 1, 2, 3]
    assert len({id(loop) for loop in loops}) == 1 and loops[0].is_running()
