"""The production topology of one source tree, started from that tree's own deploy/ files on
loopback: nginx with the rendered site, gunicorn with deploy/gunicorn.conf.py, two ASGI
socket processes and one task worker, each with the ExecStart line of its systemd unit.

tests/test_deploy.py starts the same processes the same way, but inside pytest and on the
test database; its helpers import pytest and a configured Django, so the few lines that
turn a unit into a command are repeated here rather than imported (the test is left as is).
The settings come from the tree's deploy/schoolwell.env.example, as systemd's
EnvironmentFile would give them, with only the values a loopback run must change replaced
(`overrides()` says which and why, and bench/topology.py prints them).

Also here: the CPU time of a process and all its descendants, read from /proc, so that the
bench can charge every server process (PostgreSQL's backends included) for a window."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import live_servers as live

HOST = "127.0.0.1"
VENV_BIN = "/opt/schoolwell/.venv/bin/"  # where the units expect the programs
PYTHON = sys.executable  # this checkout's venv: the baseline tree reuses it

# Debian 12's /etc/nginx/nginx.conf around the site (it includes sites-enabled/* inside
# http {}), with its paths moved into the run's folder. worker_processes and
# worker_connections are Debian's defaults unless the bench is told otherwise: they bound
# how many sockets one server holds, and deploy/ does not set them.
MAIN_CONF = """user root;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections {connections}; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/nginx-access.log;
    gzip on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


free_port = live.free_port


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise SystemExit("needs nginx (apt-get install nginx)")
    return found


# --- the tree's deploy/ files ------------------------------------------------------------------


def exec_start(tree: Path, unit: str, instance: str = "") -> list[str]:
    """A unit's ExecStart for this machine: the unit's venv programs run by this venv's
    Python (as tests/test_deploy.py runs them), %i replaced by the instance."""
    text = (tree / "deploy" / "systemd" / unit).read_text()
    words = shlex.split(re.search(r"^ExecStart=(.+)$", text, re.M).group(1))
    program = words[0].removeprefix(VENV_BIN)
    if words[0] != VENV_BIN + program:
        raise ValueError(f"{unit}: {words[0]} is not in {VENV_BIN}")
    runner = [PYTHON] if program == "python" else [PYTHON, "-m", program]
    return [*runner, *(word.replace("%i", instance) for word in words[1:])]


def env_example(tree: Path) -> dict[str, str]:
    """Every KEY=value of the tree's schoolwell.env.example that is not commented out, read
    as systemd reads an EnvironmentFile (surrounding double quotes dropped)."""
    values = {}
    for line in (tree / "deploy" / "schoolwell.env.example").read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2).strip().removeprefix('"').removesuffix('"')
    return values


def overrides(
    *, site_port: int, secret: str, database: str, redis: str, data_dir: Path, static_root: Path
) -> dict:
    """What a loopback run must change in the env example, each for a reason that the
    bench prints: no TLS here, no mail leaving the machine, throwaway places."""
    site = f"http://{HOST}:{site_port}"
    return {
        "ALLOWED_HOSTS": HOST,  # nginx passes $host: the address without the port
        "SITE_URL": site,
        "HTTPS": "false",  # no TLS on loopback: nginx says X-Forwarded-Proto http
        # nginx's $host drops a non-default port, so a browser's Origin (with the port)
        # differs from the host Django sees: forms need their origin listed (on 443 they
        # would not).
        "CSRF_TRUSTED_ORIGINS": site,
        "SECRET_KEY": secret,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "EMAIL_HOST": "",  # console back end: urgent alerts go to the log, not the network
        "DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(static_root),
    }


def environment(tree: Path, changed: dict) -> dict:
    """The processes' environment: the env example, then the loopback changes; nothing of
    this shell's own environment but PATH and HOME (systemd would give no more)."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return {**base, **env_example(tree), **changed, "PYTHONUNBUFFERED": "1"}


def render_site(tree: Path, ports: dict, static_root: Path) -> str:
    """deploy/nginx/schoolwell.conf rendered by the tree's own deploy/render.py."""
    values = [
        f"PORT={HOST}:{ports['site']}",
        f"SERVER_NAME={HOST}",
        f"STATIC_ROOT={static_root}",
        f"GUNICORN={HOST}:{ports['web']}",
        f"ASGI_1={HOST}:{ports['asgi_1']}",
        f"ASGI_2={HOST}:{ports['asgi_2']}",
    ]
    render = [PYTHON, "deploy/render.py", "deploy/nginx/schoolwell.conf", *values]
    return subprocess.run(render, cwd=tree, check=True, capture_output=True, text=True).stdout


# --- the processes --------------------------------------------------------------------------------


class Servers:
    """Subprocesses with their output in files, stopped together, shown on failure."""

    def __init__(self, tree: Path, folder: Path):
        self.tree, self.folder = tree, folder
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("w") as out:
            process = subprocess.Popen(args, cwd=self.tree, env=env, stdout=out, stderr=out)
        self.running[name] = process
        return process

    def wait_for_port(self, name: str, port: int, timeout: float = 180) -> None:
        try:
            live.wait_for_port(port, self.running[name], name, timeout)
        except RuntimeError as error:
            raise RuntimeError(f"{error}:\n{self.tail(name)}") from None

    def tail(self, name: str, size: int = 3000) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-size:]

    def stop(self) -> None:
        for process in reversed(list(self.running.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def socket_server(tree: Path, port: int, server: str) -> list[str]:
    """The sockets unit's ExecStart, or the same application under uvicorn (with uvloop,
    httptools and the websockets library: its fastest setup), for --vs-uvicorn."""
    if server == "daphne":
        return exec_start(tree, "schoolwell-sockets@.service", str(port))
    return [
        *[PYTHON, "-m", "uvicorn", "schoolwell.asgi:application"],
        *["--host", HOST, "--port", str(port), "--loop", "uvloop", "--ws", "websockets"],
    ]


def start_topology(
    tree: Path, tmp: Path, env: dict, ports: dict, cfg, sockets: str = "daphne"
) -> Servers:
    """nginx, gunicorn, two socket processes and the task worker, as the units start them,
    listening on `ports`; returns once every one of them accepts connections."""
    servers = Servers(tree, tmp)
    servers.start(
        "gunicorn",
        exec_start(tree, "schoolwell-web.service"),
        {**env, "WEB_BIND": f"{HOST}:{ports['web']}"},
    )
    for name in ("asgi_1", "asgi_2"):
        servers.start(name, socket_server(tree, ports[name], sockets), env)
    servers.start("tasks", exec_start(tree, "schoolwell-tasks.service"), env)
    site = tmp / "schoolwell.conf"
    site.write_text(render_site(tree, ports, Path(env["STATIC_ROOT"])))
    main = tmp / "nginx.conf"
    main.write_text(
        MAIN_CONF.format(
            tmp=tmp, site=site, workers=cfg.nginx_workers, connections=cfg.nginx_connections
        )
    )
    nginx = [nginx_binary(), "-p", str(tmp), "-c", str(main), "-e", "stderr"]
    check = subprocess.run([*nginx, "-t"], capture_output=True, text=True, timeout=60)
    if check.returncode:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    servers.start("nginx", [*nginx, "-g", "daemon off;"], env)
    try:
        for name, port in (
            ("nginx", "site"),
            ("gunicorn", "web"),
            ("asgi_1", "asgi_1"),
            ("asgi_2", "asgi_2"),
        ):
            servers.wait_for_port(name, ports[port])
    except RuntimeError:
        servers.stop()
        raise
    return servers


# --- CPU time from /proc -----------------------------------------------------------------------

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks): its own user+system time and that of the children it
    has waited for (cutime+cstime), which keeps the CPU of processes that have exited."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = raw.rsplit(")", 1)[1].split()
        ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        table[int(entry)] = (int(fields[1]), ticks)
    return table


def cpu_ms(roots: dict[str, int]) -> dict[str, float]:
    """name -> CPU milliseconds used so far by that process and every descendant, living or
    reaped. The difference of two readings is what the tree used in between, as long as the
    root itself lived throughout."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)

    def total(pid: int) -> int:
        own = table.get(pid, (0, 0))[1]
        return own + sum(total(child) for child in children.get(pid, []))

    return {name: total(pid) * TICK_MS for name, pid in roots.items()}


def postmaster_pid(database_url: str) -> int:
    """PostgreSQL's postmaster: the parent of this connection's backend. Its tree is every
    backend (all databases: the machine's other users of PostgreSQL are counted too)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        backend = connection.execute("select pg_backend_pid()").fetchone()[0]
        return _process_table()[backend][0]


def pg_active_ms(database_url: str) -> dict[str, float]:
    """Each database's statement time so far (pg_stat_database.active_time, ms). The share
    of it spent in the run's database over the window is the share of the postmaster's CPU
    charged to the run, when other databases on the server were busy meanwhile."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("select pg_stat_clear_snapshot()")
        rows = connection.execute(
            "select coalesce(datname, ''), coalesce(active_time, 0) from pg_stat_database"
        ).fetchall()
    return {name: float(ms) for name, ms in rows}


def pg_share(before: dict, after: dict, ours: str) -> float:
    """The run's database's share of all statement time between two readings (1 when no
    other database ran a statement); a database dropped in between is left out."""
    spent = {name: max(0.0, ms - before.get(name, 0.0)) for name, ms in after.items()}
    total = sum(spent.values())
    return spent.get(ours, 0.0) / total if total else 1.0
