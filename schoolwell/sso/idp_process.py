"""Start and stop the local OpenID Provider (``schoolwell/sso/local_idp``) from Python.

Used by the tests and the demo. The provider is a Node.js program; its packages must be
installed once with ``npm ci --prefix schoolwell/sso/local_idp``.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any

IDP_DIR = Path(__file__).resolve().parent / "local_idp"
LISTENING = "local-idp listening on "
TAMPER_MODES = frozenset(
    {"none", "wrong_key", "wrong_aud", "skew_future", "skew_past", "no_nonce", "bad_nonce"}
)


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _open(request: urllib.request.Request | str, timeout: float) -> tuple[int, bytes]:
    url = request.full_url if isinstance(request, urllib.request.Request) else request
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)


class LocalIdP:
    """A running ``node server.mjs`` local OpenID Provider.

    ``config`` is the JSON config described in ``local_idp/README.md``. If it has no
    ``issuer``, one is made from ``port`` (or a free port) on 127.0.0.1.
    """

    def __init__(self, config: dict[str, Any], *, startup_timeout: float = 20.0) -> None:
        self.config = dict(config)
        if "issuer" not in self.config:
            port = int(self.config.get("port") or free_port())
            self.config["port"] = port
            self.config["issuer"] = f"http://127.0.0.1:{port}"
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None

    @property
    def issuer(self) -> str:
        return str(self.config["issuer"]).rstrip("/")

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def output(self) -> str:
        """Everything the process has printed so far (stdout and stderr)."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> LocalIdP:
        """Start the provider and wait until it answers; raise RuntimeError if it does not."""
        if self.running:
            return self
        if not (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(
                "The local identity provider's Node packages are not installed. "
                "Run: npm ci --prefix schoolwell/sso/local_idp"
            )
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js ('node') is not on PATH; the local IdP needs Node 20+.")

        self._tmpdir = tempfile.TemporaryDirectory(prefix="local-idp-")
        config_path = Path(self._tmpdir.name) / "config.json"
        config_path.write_text(json.dumps(self.config), encoding="utf-8")
        self._log_path = Path(self._tmpdir.name) / "output.log"
        with self._log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603
                [node, "server.mjs", str(config_path)],
                cwd=IDP_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # Never leave a node process behind, even if stop() is not called.
        weakref.finalize(self, _terminate, self._process)

        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                output = self.output()
                self.stop()
                raise RuntimeError(f"The local IdP exited at start-up:\n{output}")
            if LISTENING in self.output() or self._answers():
                return self
            time.sleep(0.1)
        output = self.output()
        self.stop()
        raise RuntimeError(
            f"The local IdP did not answer within {self.startup_timeout:g} s:\n{output}"
        )

    def _answers(self) -> bool:
        try:
            status, _ = _open(self.discovery_url, timeout=1)
        except OSError:
            return False
        return status == 200

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and remove its temporary files."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None
            self._log_path = None

    def set_tamper(self, mode: str) -> None:
        """Alter the next ID tokens (needs ``control: true`` in the config); "none" resets."""
        if mode not in TAMPER_MODES:
            raise ValueError(f"unknown tamper mode {mode!r}; use one of {sorted(TAMPER_MODES)}")
        request = urllib.request.Request(  # noqa: S310
            f"{self.issuer}/__control",
            data=json.dumps({"tamper": mode}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        status, body = _open(request, timeout=5)
        if status != 200:
            raise RuntimeError(
                f"POST /__control failed ({status}): {body.decode(errors='replace')}"
            )

    def __enter__(self) -> LocalIdP:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
