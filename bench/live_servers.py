"""Loopback servers for the live benches (bench/queue_live.py, bench/load.py): a private
redis-server and a daphne subprocess serving schoolwell.asgi on 127.0.0.1, free ports, and
the nearest-rank percentiles every live figure is reported in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "max": float("nan")}
    ordered = sorted(values)

    def rank(p: float) -> float:  # nearest rank
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]

    return {"p50": rank(0.50), "p95": rank(0.95), "max": ordered[-1]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port}")


def start_redis(port: int | None = None) -> tuple[subprocess.Popen, str]:
    """A private redis-server on loopback: a free port, or `port` (a restart after a fault)."""
    port = port or free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, "redis-server")
    return process, f"redis://{HOST}:{port}/0"


def start_daphne(repo: Path, redis_url: str):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "schoolwell.settings"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    logfile = Path(tempfile.mkstemp(prefix="queue-bench-daphne-", suffix=".log")[1])
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",  # no access log: one line per request would cost more than the request
            "-b",
            HOST,
            "-p",
            str(port),
            "schoolwell.asgi:application",
        ],
        cwd=repo,
        env=env,
        stdout=logfile.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, "daphne")
    except RuntimeError:
        print(logfile.read_text()[-3000:], file=sys.stderr)
        raise
    return process, port, logfile


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# What the server logs for an answer it could not give: Django's "Internal Server Error: <path>"
# (an HTTP request) and daphne's "Exception inside application" (a socket, or anything that
# escaped Django), each followed by its traceback.
HTTP_ERROR, APP_ERROR = "Internal Server Error", "Exception inside application"
# Lines that carry a traceback on past an exception's line (a chained exception follows).
_CHAINS = ("The above exception", "During handling of the above exception", "Traceback")


def server_errors(log_text: str, most: int = 3) -> list[str]:
    """Up to `most` different server errors in a log, each with its whole traceback: a run that
    saw an HTTP 500 says why (the log is removed with the run). An HTTP request's error comes
    before a socket's, and an error repeated (a socket's while Redis is away, say) is kept
    once: the first three of a run were once the same socket error, and the 500 never shown."""
    lines = log_text.splitlines()
    found: dict[str, str] = {}
    for at, line in enumerate(lines):
        if HTTP_ERROR in line or APP_ERROR in line:
            block = _traceback(lines, at)
            found.setdefault(f"{line}\n{block[-1]}", "\n".join(block))
    ordered = sorted(found.values(), key=lambda block: HTTP_ERROR not in block.split("\n")[0])
    return ordered[:most]


def _traceback(lines: list[str], at: int) -> list[str]:
    """The error's line, then its traceback to the last exception's line (chained exceptions
    included): the lines after it belong to other log records."""
    block, inside = [lines[at]], False
    for index in range(at + 1, len(lines)):
        line = lines[index]
        if not inside and not line.startswith("Traceback"):
            break  # no traceback: the record is its one line
        block.append(line)
        if line.startswith("Traceback"):
            inside = True
        elif inside and line and not line[0].isspace() and not line.startswith(_CHAINS):
            following = next((rest for rest in lines[index + 1 :] if rest.strip()), "")
            if not following.startswith(_CHAINS):
                break
    return block
