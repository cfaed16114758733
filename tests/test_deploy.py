"""The deployment is part of the product: deploy/ holds the production topology (nginx in
front; gunicorn for HTTP; two daphne processes for /ws/), and this starts it from those very
files on loopback ports and talks to it through nginx, as a browser would.

The servers are subprocesses on pytest-django's test database (transactional: what the test
writes is committed, so they see it) and on the run's Redis; nothing is migrated twice."""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from deploy.render import RenderError, placeholders, render, render_text
from schoolwell.roster.limits import MAX_ZIP_BYTES
from tests.conftest import REQUIRED

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "schoolwell.conf"
UNITS = DEPLOY / "systemd"
VENV_BIN = "/opt/schoolwell/.venv/bin/"
HOST = "127.0.0.1"
QUEUE_SOCKET = "/ws/team/queue/"  # support_team/routing.py
HASHED = re.compile(r"\.[0-9a-f]{12}\.")
HASH_AT_END = re.compile(r"\.[0-9a-f]{12}(\.[^/]+)?$")
ENV_CALL = re.compile(r"env(?:str|int|bool|list|secret|secrets)\(\s*\"([A-Z0-9_]+)\"")

# What the test's nginx needs around the site file: Debian's nginx.conf does the same (it
# includes the site inside http {}), with every path in the test's own folder.
MAIN_CONF = """{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


# --- the files themselves (no server needed) ---------------------------------------------------


def test_render_fills_every_placeholder_and_refuses_one_left_open(tmp_path):
    template = tmp_path / "site.conf"
    template.write_text("listen @PORT@;\nroot @STATIC_ROOT@/; # @name is not a placeholder\n")
    assert render(template, {"PORT": 8080, "STATIC_ROOT": "/srv/static"}) == (
        "listen 8080;\nroot /srv/static/; # @name is not a placeholder\n"
    )
    with pytest.raises(RenderError, match="@STATIC_ROOT@"):
        render(template, {"PORT": 8080})
    with pytest.raises(RenderError, match="semicolon"):
        render_text("listen @PORT@;", {"PORT": "80; include /etc/passwd"})


def test_the_nginx_site_has_exactly_the_placeholders_its_header_lists():
    text = SITE.read_text()
    assert placeholders(text) == {
        "PORT",
        "SERVER_NAME",
        "STATIC_ROOT",
        "GUNICORN",
        "ASGI_1",
        "ASGI_2",
    }
    header = text.split("\nupstream", 1)[0]
    for name in placeholders(text):
        assert re.search(rf"^#\s+.*\b{name}\b", header, re.M), f"{name} not explained"


def test_the_upload_cap_of_nginx_fits_the_roster_upload_cap():
    size = re.search(r"^\s*client_max_body_size (\d+)m;", SITE.read_text(), re.M)
    assert size, "client_max_body_size missing from the nginx site"
    megabytes = int(size.group(1)) * 1024**2
    # Room for the form around a zip at the cap, not much more: the app's message must win.
    assert MAX_ZIP_BYTES < megabytes <= MAX_ZIP_BYTES + 2 * 1024**2


def test_a_failed_handshake_never_takes_a_socket_process_out_of_rotation():
    # While Redis is away every handshake fails; with nginx's default (max_fails=1) each
    # failure took that process out for 10 s, and "no live upstreams" (502) outlived the
    # outage by up to a minute (bench/topology.py, docs/performance.md).
    block = re.search(r"upstream schoolwell_sockets \{(.*?)\}", SITE.read_text(), re.S)
    assert block, "no socket upstream in the nginx site"
    servers = re.findall(r"^\s*server (.+);", block.group(1), re.M)
    assert len(servers) == 2
    assert all("max_fails=0" in server.split() for server in servers), servers


def test_the_env_example_names_every_variable_the_settings_read():
    read = set()
    for source in ("schoolwell/settings.py", "schoolwell/signin_settings.py"):
        read |= set(ENV_CALL.findall((REPO / source).read_text()))
    read |= set(re.findall(r"\"(WEB_[A-Z]+)\"", (DEPLOY / "gunicorn.conf.py").read_text()))
    example = (DEPLOY / "schoolwell.env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert read - named == set(), "missing from deploy/schoolwell.env.example"
    assert named - read == set(), "named in the example but read nowhere"


def _exec_start(unit: str, instance: str = "") -> list[str]:
    """A unit's command, for this checkout: the venv's programs run by this Python."""
    text = (UNITS / unit).read_text()
    words = shlex.split(re.search(r"^ExecStart=(.+)$", text, re.M).group(1))
    program = words[0].removeprefix(VENV_BIN)
    assert words[0] == VENV_BIN + program, f"{unit}: {words[0]} is not in {VENV_BIN}"
    runner = [sys.executable] if program == "python" else [sys.executable, "-m", program]
    return [*runner, *(word.replace("%i", instance) for word in words[1:])]


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("schoolwell-web.service", ["-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]),
        ("schoolwell-sockets@.service", ["-m", "daphne", "-b", "127.0.0.1", "-p", "8101"]),
        ("schoolwell-tasks.service", ["manage.py", "db_worker"]),
        ("schoolwell-schedule.service", ["manage.py", "run_schedule"]),
    ],
)
def test_each_unit_runs_its_process_confined_with_the_env_file(unit, command):
    assert _exec_start(unit, "8101")[1 : 1 + len(command)] == command
    text = (UNITS / unit).read_text()
    data_dir = re.search(r"^DATA_DIR=(.+)$", (DEPLOY / "schoolwell.env.example").read_text(), re.M)
    for line in (
        "EnvironmentFile=/etc/schoolwell/schoolwell.env",
        "User=schoolwell",
        "WorkingDirectory=/opt/schoolwell",
        "Restart=on-failure",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        f"ReadWritePaths={data_dir.group(1)}",
        "PrivateTmp=true",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), f"{unit}: no {line}"


# --- the topology, running -----------------------------------------------------------------------


def _nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    reason = "needs nginx (apt-get install nginx)"
    if REQUIRED & {"postgres", "redis"}:  # CI's server run installs it (.ci/run)
        pytest.fail(f"the deployment smoke test {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Servers:
    """Subprocesses with their output in files, stopped together, shown on failure."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, args: list[str], env: dict) -> None:
        log = self.folder / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=out)
        self.running.append((name, process, log))

    def wait_for_port(self, port: int, name: str, timeout: float = 120) -> None:
        process = next(p for n, p, _ in self.running if n == name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}")
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{name} did not listen on {port} within {timeout} s")

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def report(self) -> str:
        parts = [
            f"--- {name} (exit {p.poll()})\n{log.read_text()[-4000:]}"
            for name, p, log in self.running
        ]
        return "\n".join(parts)

    def stop(self) -> None:
        for _, process, _ in reversed(self.running):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _, process, _ in self.running:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _environment(tmp: Path, static_root: Path, site_port: int) -> dict:
    """Production-like settings (DEBUG off, database tasks, a proxy in front) on the test's
    own database and Redis, with the test process's SECRET_KEY: the session it writes must
    open in the servers."""
    test_database = connection.settings_dict["NAME"]
    database_url = urlsplit(settings.DATABASE_URL)._replace(path=f"/{test_database}").geturl()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST_") and not key.endswith("_FILE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="schoolwell.settings",
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS=f"{HOST},localhost",
        SITE_URL=f"http://{HOST}:{site_port}",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        TASK_BACKEND="database",
        DATA_DIR=str(tmp / "data"),
        STATIC_ROOT=str(static_root),
        QUEUE_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
        # deploy/gunicorn.conf.py
        WEB_WORKERS="1",
        WEB_THREADS="2",
    )
    return env


def _heartbeat(socket_url: str, cookie: str, origin: str):
    """A queue socket through nginx, open once the first heartbeat has come back."""
    from websockets.sync.client import connect

    ws = connect(
        socket_url,
        origin=origin,
        additional_headers={"Cookie": cookie},
        open_timeout=30,
        proxy=None,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if json.loads(ws.recv(timeout=30)) == {"type": "queue.heartbeat"}:
            return ws
    ws.close()
    raise AssertionError("no heartbeat on the queue socket within 30 s")


def test_collectstatic_gives_every_static_file_a_content_hashed_name(settings, tmp_path):
    """Every static file, Wagtail's and the admin's included, gets its content-hashed name:
    a stylesheet that names a file which is not there fails collectstatic here, as it would
    in production. Django's manifest storage: production's (schoolwell/static_storage.py)
    extends it with the .gz and .br copies, whose brotli is the slow part; the topology test
    below checks what is served compressed."""
    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for source in ("schoolwell/site.css", "vendor/plotly-basic.min.js", "admin/css/base.css"):
        assert HASHED.search(paths[source]), source
    assert any(name.startswith("wagtailadmin/") for name in paths)
    # A name without an extension (admin/img/LICENSE) ends with its hash.
    unhashed = [source for source, hashed in paths.items() if not HASH_AT_END.search(hashed)]
    assert not unhashed


@pytest.mark.postgres
@pytest.mark.redis
def test_the_production_topology_serves_pages_static_files_and_sockets(
    transactional_db, team_a, tmp_path
):
    nginx = _nginx()
    static_root = tmp_path / "static"
    site_port, web_port, asgi_1, asgi_2 = (_free_port() for _ in range(4))
    env = _environment(tmp_path, static_root, site_port)
    servers = Servers(tmp_path)
    python = sys.executable
    try:
        # Boot the app servers while collectstatic runs: both take a while on two cores.
        env_web = {**env, "WEB_BIND": f"{HOST}:{web_port}"}
        # The units' own commands (deploy/systemd/), run by this checkout's Python.
        servers.start("gunicorn", _exec_start("schoolwell-web.service"), env_web)
        for name, port in (("daphne-1", asgi_1), ("daphne-2", asgi_2)):
            servers.start(name, _exec_start("schoolwell-sockets@.service", str(port)), env)
        # Not Wagtail's, the admin's or plotly: no page here loads them, and brotli over them
        # took 50 s of CPU (every file's content-hashed name is checked above, uncompressed).
        unused = ("wagtailadmin", "admin", "plotly*")
        collect = subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"]
            + [f"--ignore={pattern}" for pattern in unused],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-3000:]

        site = tmp_path / "schoolwell.conf"
        site.write_text(
            render(
                SITE,
                {
                    "PORT": f"{HOST}:{site_port}",
                    "SERVER_NAME": HOST,
                    "STATIC_ROOT": static_root,
                    "GUNICORN": f"{HOST}:{web_port}",
                    "ASGI_1": f"{HOST}:{asgi_1}",
                    "ASGI_2": f"{HOST}:{asgi_2}",
                },
            )
        )
        main = tmp_path / "nginx.conf"
        # As root, nginx's workers would drop to nobody, who cannot read the test's folder.
        user = "user root;" if os.geteuid() == 0 else ""
        main.write_text(MAIN_CONF.format(user=user, tmp=tmp_path, site=site))
        command = [nginx, "-p", str(tmp_path), "-c", str(main), "-e", "stderr"]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr
        servers.start("nginx", [*command, "-g", "daemon off;"], env)

        servers.wait_for_port(site_port, "nginx")
        servers.wait_for_port(web_port, "gunicorn")
        servers.wait_for_port(asgi_1, "daphne-1")
        servers.wait_for_port(asgi_2, "daphne-2")
        base = f"http://{HOST}:{site_port}"
        http = requests.Session()
        http.trust_env = False  # no proxy from the environment for loopback

        health = http.get(f"{base}/healthz", timeout=60)
        assert health.status_code == 200, health.text
        assert health.headers["Content-Type"] == "application/json"
        assert health.json() == {
            "database": "ok",
            "cache": "ok",
            "channel_layer": "ok",
            "tasks": "DatabaseBackend",
            "status": "ok",
        }

        login = http.get(f"{base}/accounts/login/", headers={"Accept-Encoding": "gzip"}, timeout=60)
        assert login.status_code == 200
        assert login.headers.get("Content-Encoding") == "gzip"
        assert 'name="password"' in login.text

        # The stylesheet the page links has a content-hashed name (collectstatic's manifest),
        # served from STATIC_ROOT as its .gz copy (a fixed length, where on-the-fly gzip would
        # be chunked), kept for a year; the same file under its source name only briefly.
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', login.text).group(1)
        assert HASHED.search(stylesheet), stylesheet
        static = http.get(f"{base}{stylesheet}", headers={"Accept-Encoding": "gzip"}, timeout=30)
        assert static.status_code == 200
        assert static.headers.get("Content-Encoding") == "gzip"
        assert static.headers.get("Content-Length")
        assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert static.headers["X-Content-Type-Options"] == "nosniff"
        source_name = HASHED.sub(".", stylesheet)
        brief = http.get(f"{base}{source_name}", timeout=30)
        assert brief.status_code == 200
        assert brief.headers["Cache-Control"] == "public, max-age=60"

        # Sockets: a signed-in team member's queue socket through nginx, one on each daphne
        # process (least_conn gives the second to the one with none); each hears a heartbeat,
        # which comes back through Redis. A socket with no session is refused.
        from websockets.exceptions import InvalidStatus
        from websockets.sync.client import connect

        session = Client()
        session.force_login(team_a)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={session.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        socket_url = f"ws://{HOST}:{site_port}{QUEUE_SOCKET}"
        sockets = [_heartbeat(socket_url, cookie, base) for _ in range(2)]
        try:
            with pytest.raises(InvalidStatus) as refused:
                connect(socket_url, origin=base, open_timeout=30, proxy=None)
            assert refused.value.response.status_code == 403
        finally:
            for ws in sockets:
                ws.close()
        for name in ("daphne-1", "daphne-2"):
            assert f"WSCONNECT {QUEUE_SOCKET}" in servers.log(name), f"{name} held no socket"
        assert "GET /healthz" in servers.log("gunicorn")
    except BaseException:
        print(servers.report())
        raise
    finally:
        servers.stop()
