"""bench/load.py keeps a run's server errors in its result (tests/test_load.py prints them when
a screen saw an HTTP 500): the HTTP error first, each error once, each traceback whole."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
_spec = importlib.util.spec_from_file_location("live_servers", BENCH / "live_servers.py")
live_servers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(live_servers)

SOCKET_ERROR = """Exception inside application: Error 111 connecting to 127.0.0.1:49949.
Traceback (most recent call last):
  File "redis/asyncio/connection.py", line 1106, in connect_check_health
    await self._connect()
ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 49949)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "channels/routing.py", line 48, in __call__
    return await application(scope, receive, send)
redis.exceptions.ConnectionError: Error 111 connecting to 127.0.0.1:49949."""

HTTP_ERROR = """Internal Server Error: /team/queue/
Traceback (most recent call last):
  File "django/core/handlers/exception.py", line 55, in inner
    response = get_response(request)
django.db.utils.OperationalError: connection failed"""


def test_the_http_error_comes_first_whole_and_each_error_once():
    log = "\n".join(
        [
            "Listening on TCP address 127.0.0.1:8123",
            SOCKET_ERROR,
            "queue socket closed: heartbeat missed",
            SOCKET_ERROR,
            SOCKET_ERROR,
            HTTP_ERROR,
            "WARNING cache unavailable; queue presence not shown",
        ]
    )

    errors = live_servers.server_errors(log)

    assert errors == [HTTP_ERROR, SOCKET_ERROR]


def test_an_error_without_a_traceback_is_its_one_line():
    log = "Internal Server Error: /healthz\nListening on TCP address 127.0.0.1:8123\n"

    assert live_servers.server_errors(log) == ["Internal Server Error: /healthz"]


def test_at_most_the_first_few_different_errors():
    log = "\n".join(f"Internal Server Error: /page/{n}/" for n in range(5))

    assert live_servers.server_errors(log, most=2) == [
        "Internal Server Error: /page/0/",
        "Internal Server Error: /page/1/",
    ]
