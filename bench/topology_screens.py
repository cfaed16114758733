"""Queue screens for bench/topology.py: each behaves as static/schoolwell/queue.js does in a
browser tab of its own, and speaks both socket protocols, so one load runs on either tree.

- OLD (65923e1): {"type": "queue.changed", "intake", "version"} says a row changed; the page
  GETs that row (/team/queue/rows/<id>/) and, when the row is new to it or moved, the whole
  table (queue.js's refreshRow/refetchAll). {"type": "queue.presence", "intake"}: re-GET
  the row if it is shown.
- NEW: {"type": "queue.rows" (or "queue.changed"), "intake", "version", "rows": [{"id",
  "version", "html"}], "gone": [...]} carries the rendered rows: the screen holds them as
  the message arrives, no HTTP. A presence
  message with "viewers" needs no fetch. An event of either kind that skips a version of a
  row the screen holds makes it re-read the whole table, as a reconnect does.

Like the page: the table is read once at page load, and again when the first row's time-left
text would change (data-tick, at most every 15 s) and every 2 minutes. After a reconnect (and
a skipped version) a page that offers it (data-changes) asks for the rows changed since its
last read, and re-reads the whole table only when the server says so; an older page re-reads
the table. A socket that closes (or hears no heartbeat for three intervals) reconnects after
a jittered backoff of 1 s doubling up to the tree's own cap (queue.js: `retry_cap`); a close
with 4401 stops the screen. A browser opens at most
6 connections per host, so each screen has at most 6 requests in flight.

The screens of one generator process are run by `screens_process`, which talks to
bench/topology_load.py over a pipe."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import random
import re
import threading
import time
from collections import Counter

from queue_live import parse_rows

TICK = re.compile(rb'id="queue-rows"[^>]*data-tick="(\d+)"')
READ_AT = re.compile(rb"(?im)^x-queue-read-at:\s*([\d.]+)")
RANK = re.compile(rb'\bdata-rank="([^"]*)"')
PAGE_ATTR = re.compile(rb'\bdata-(socket|rows|row|changes|heartbeat)="([^"]*)"')
LANG = re.compile(rb'<html[^>]*\blang="([^"]*)"')
SIGNED_OUT = 4401
MIN_TICK, RESYNC = 15.0, 120.0  # queue.js: MIN_TICK_MS, RESYNC_MS
BROWSER_CONNECTIONS = 6


def retry_cap(tree) -> float:
    """The longest reconnect wait of the tree's queue.js, in seconds (30 s before it was
    named)."""
    script = (tree / "static/schoolwell/queue.js").read_text()
    cap = re.search(r"MAX_RETRY_MS = (\d+)", script)
    return int(cap.group(1)) / 1000 if cap else 30.0


async def http_get(port: int, path: str, cookies: dict, timeout: float = 60.0):
    """(status, body, the server's read time or 0) of a GET as a browser tab sends it: gzip
    accepted (so the server compresses as it would for a person), one connection per
    request. The read time is the queue's X-Queue-Read-At (queue.js keeps the newest)."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    head = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n"
    )

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(head.encode())
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()

    data = await asyncio.wait_for(exchange(), timeout)
    if not data:
        raise ConnectionError("closed with no answer")
    raw_head, _, body = data.partition(b"\r\n\r\n")
    status = int(raw_head.split(b" ", 2)[1])
    if re.search(rb"(?im)^content-encoding:\s*gzip", raw_head):
        body = gzip.decompress(body)
    read_at = READ_AT.search(raw_head)
    return status, body, float(read_at.group(1)) if read_at else 0.0


class Screen:
    """One queue page. `held` is what the study is about: (intake, version) -> when this
    screen first had that version of the row in hand (a pushed row, a row GET, a table)."""

    def __init__(self, index: int, school: int, cookie: str, port: int, cap: float):
        self.index, self.school, self.port, self.cap = index, school, port, cap
        self.cookies = {"sessionid": cookie}
        self.held: dict[tuple[int, int], float] = {}
        self.view: dict[int, int] = {}  # the table as shown: intake -> version
        self.ranks: dict[int, bytes] = {}
        self.opens: list[float] = []
        self.closes: list[tuple[float, int | None]] = []  # (when, close code)
        self.tables: list[tuple[float, float]] = []  # whole-table reads: (started, done)
        self.deltas: list[tuple[float, float]] = []  # reads of the changes since the last
        self.read_at = 0.0  # the server's time of the newest read held
        self.requests: Counter = Counter()
        self.errors: Counter = Counter()
        self.ended = False
        self.ws = None
        self.links = {"socket": "/ws/team/queue/", "rows": "/team/queue/", "row": None}
        self.heartbeat = 5.0
        self.lang = ""
        self.browser = asyncio.Semaphore(BROWSER_CONNECTIONS)
        self.next_table_at = float("inf")
        self.last_held = 0.0
        self.delay = 1.0

    def hold(self, pk: int, version: int, at: float) -> None:
        if (pk, version) not in self.held:
            self.held[pk, version] = at
            self.last_held = at

    # --- HTTP ------------------------------------------------------------------------------

    async def get(self, kind: str, path: str) -> tuple[int, bytes] | None:
        async with self.browser:
            self.requests[kind] += 1
            try:
                status, body, read_at = await http_get(self.port, path, self.cookies)
            except Exception as error:  # noqa: BLE001 - counted; the page would retry later
                self.errors[f"{kind}: {type(error).__name__}"] += 1
                return None
        if status not in (200, 204):
            self.errors[f"{kind}: HTTP {status}"] += 1
            return None
        self.read_at = max(self.read_at, read_at)
        return status, body

    async def load_page(self) -> bool:
        """The page itself: its rows, and where the page's script connects and fetches."""
        answer = await self.get("page", "/team/queue/")
        if answer is None:
            return False
        for name, value in PAGE_ATTR.findall(answer[1]):
            self.links[name.decode()] = value.decode().replace("&amp;", "&")
        self.heartbeat = int(self.links.get("heartbeat") or 5000) / 1000
        lang = LANG.search(answer[1])  # queue.js asks for rows in the page's language
        self.lang = lang.group(1).decode() if lang else ""
        self.show_table(answer[1], time.time())
        return True

    def show_table(self, body: bytes, started: float) -> None:
        now = time.time()
        rows = parse_rows(body)
        for pk, version in rows.items():
            self.hold(pk, version, now)
        self.view = rows
        self.ranks = {}
        for tag in re.findall(rb"<tr\b[^>]*>", body):
            pk, rank = re.search(rb'id="intake-(\d+)"', tag), RANK.search(tag)
            if pk and rank:
                self.ranks[int(pk.group(1))] = rank.group(1)
        self.tables.append((started, now))
        tick = TICK.search(body)
        wait = max(int(tick.group(1)) + 0.5, MIN_TICK) if tick and int(tick.group(1)) else RESYNC
        self.next_table_at = now + min(wait, RESYNC)

    async def refetch_all(self) -> None:
        started = time.time()
        path = self.links["rows"] + ("&" if "?" in self.links["rows"] else "?") + "partial=rows"
        answer = await self.get("table", path)
        if answer is not None and not self.ended:
            self.show_table(answer[1], started)

    async def refetch_changes(self) -> None:
        """queue.js's refetchChanges: the rows changed since the last read, or the table."""
        if not self.links.get("changes") or not self.read_at:
            return await self.refetch_all()
        started = time.time()
        answer = await self.get("changes", f"{self.links['changes']}?since={self.read_at}")
        if answer is None or self.ended:
            return
        message = json.loads(answer[1])
        if message.get("full"):
            return await self.refetch_all()
        self.take(message, time.time())
        self.deltas.append((started, time.time()))

    def take(self, message: dict, now: float) -> bool:
        """Rows and gone items as pushed (or read as changes); whether a version was skipped."""
        known = self.view.get(message.get("intake"))
        gap = known is not None and message.get("version", 0) > known + 1
        for row in message.get("rows", []):
            pk, version = row["id"], row["version"]
            known = self.view.get(pk)
            gap = gap or (known is not None and version > known + 1)
            self.hold(pk, version, now)
            self.view[pk] = max(version, known or 0)
        for row in message.get("gone", []):
            self.view.pop(row["id"], None)
        return gap

    async def refresh_row(self, pk: int) -> None:
        """queue.js's refreshRow: the row over HTTP; a new or moved row needs the table."""
        answer = await self.get("row", self.links["row"].replace("/0/", f"/{pk}/"))
        if answer is None or self.ended:
            return
        status, body = answer
        if status == 204 or not body.strip():
            self.view.pop(pk, None)
            return
        version = parse_rows(body).get(pk)
        rank = RANK.search(body)
        if version is None:
            self.errors["row: no row in answer"] += 1
            return
        self.hold(pk, version, time.time())
        if pk not in self.view or self.ranks.get(pk) != (rank.group(1) if rank else None):
            await self.refetch_all()
        else:
            self.view[pk] = version

    # --- the socket ----------------------------------------------------------------------

    def on_message(self, raw: str | bytes) -> None:
        now = time.time()
        event = json.loads(raw)
        kind = event.get("type")
        if "rows" in event or "gone" in event:  # NEW: the rows themselves
            if self.take(event, now):
                asyncio.create_task(self.refetch_changes())
            elif "at" in event:  # queue.js: an applied event's time counts as a read
                self.read_at = max(self.read_at, event["at"])
        elif kind == "queue.changed":  # OLD: a hint; the row comes over HTTP
            pk, version = event["intake"], event["version"]
            known = self.view.get(pk)
            if known is not None and version > known + 1:
                asyncio.create_task(self.refetch_all())
            else:
                asyncio.create_task(self.refresh_row(pk))
        elif kind == "queue.presence" and "viewers" not in event and event["intake"] in self.view:
            asyncio.create_task(self.refresh_row(event["intake"]))

    async def listen(self, connect, url: str, origin: str) -> None:
        """One socket's life: open, hear, and return when it closes or falls silent."""
        self.ws = await connect(
            url,
            origin=origin,
            additional_headers={"Cookie": f"sessionid={self.cookies['sessionid']}"},
            ping_interval=None,  # browsers send no pings; they answer the server's
            open_timeout=30,
            max_size=None,
        )
        self.opens.append(time.time())
        self.delay = 1.0  # queue.js: back to 1 s once a socket opens
        if len(self.opens) > 1:
            asyncio.create_task(self.refetch_changes())
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), 3 * self.heartbeat)
            except TimeoutError:  # queue.js's watchdog: three heartbeats missed
                self.closes.append((time.time(), None))
                await self.ws.close()
                return
            except Exception:  # noqa: BLE001 - closed: the code says by whom and why
                self.closes.append((time.time(), self.ws.close_code))
                return
            self.on_message(raw)

    async def run(self, stop: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        origin = f"http://127.0.0.1:{self.port}"
        url = f"ws://127.0.0.1:{self.port}{self.links['socket']}?lang={self.lang}"
        self.delay = 1.0
        while not stop.is_set():
            try:
                await self.listen(connect, url, origin)
            except Exception as error:  # noqa: BLE001 - refused (the layer is down): retry
                response = getattr(error, "response", None)
                status = f" {response.status_code}" if response is not None else ""
                self.errors[f"connect: {type(error).__name__}{status}"] += 1
            if stop.is_set():
                return
            if self.closes and self.closes[-1][1] == SIGNED_OUT:
                self.ended = True
                return
            await asyncio.sleep(self.delay * random.uniform(0.5, 1.5))
            self.delay = min(self.delay * 2, self.cap)

    async def timers(self, stop: asyncio.Event) -> None:
        """The page's own re-reads: the time-left tick and the two-minute resync."""
        while not stop.is_set() and not self.ended:
            await asyncio.sleep(max(0.2, min(self.next_table_at - time.time(), 1.0)))
            if time.time() >= self.next_table_at:
                self.next_table_at = float("inf")
                await self.refetch_all()

    def result(self) -> dict:
        return {
            "index": self.index,
            "school": self.school,
            "held": self.held,
            "view": self.view,
            "opens": self.opens,
            "closes": self.closes,
            "tables": self.tables,
            "deltas": self.deltas,
            "requests": dict(self.requests),
            "errors": dict(self.errors),
            "ended": self.ended,
        }


# --- one generator process ------------------------------------------------------------------------


async def _lag(stop: asyncio.Event, samples: list[tuple[float, float]]) -> None:
    """How late this process's event loop wakes up: when it runs behind, every time this
    process records is late by as much, and the generator is the bottleneck."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.1)
        samples.append((time.time(), time.perf_counter() - started - 0.1))


async def _serve(conn, specs: list[tuple], port: int, seed: int, cap: float) -> None:
    random.seed(seed)
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()

    def read() -> None:
        """The pipe is read by a thread: the loop's add_reader would make it non-blocking,
        and the last, large send of results would then fail half-way."""
        while True:
            message = conn.recv()
            loop.call_soon_threadsafe(inbox.put_nowait, message)
            if message == "stop":
                return

    threading.Thread(target=read, daemon=True).start()
    screens = [Screen(index, school, cookie, port, cap) for index, school, cookie in specs]
    stop, lags = asyncio.Event(), []
    opening = asyncio.Semaphore(20)  # page loads at start, not all in one instant

    async def open_one(screen: Screen) -> None:
        async with opening:
            while not await screen.load_page() and not stop.is_set():
                await asyncio.sleep(random.uniform(1, 3))  # a person would reload
        await asyncio.gather(screen.run(stop), screen.timers(stop))

    tasks = [asyncio.create_task(open_one(screen)) for screen in screens]
    lag_task = asyncio.create_task(_lag(stop, lags))
    while True:
        try:
            message = await asyncio.wait_for(inbox.get(), 0.5)
        except TimeoutError:
            message = None
        if message == "stop":
            break
        open_now = sum(1 for s in screens if s.ws is not None and s.ws.close_code is None)
        last = max(s.last_held for s in screens)
        times = os.times()
        conn.send(("status", open_now, last, times.user + times.system))
    stop.set()
    await asyncio.gather(*(s.ws.close() for s in screens if s.ws), return_exceptions=True)
    await asyncio.wait(tasks, timeout=10)
    for task in tasks:
        task.cancel()
    lag_task.cancel()
    times = os.times()
    conn.send(("done", [s.result() for s in screens], times.user + times.system, lags))


def screens_process(conn, specs: list[tuple], port: int, seed: int, cap: float) -> None:
    """A generator process's entry: its screens until the parent says stop, then what each
    screen saw. `cap`: the longest reconnect wait (retry_cap)."""
    asyncio.run(_serve(conn, specs, port, seed, cap))
