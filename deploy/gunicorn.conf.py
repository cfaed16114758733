"""gunicorn for SchoolWell's HTTP (everything but /ws/), behind deploy/nginx/schoolwell.conf.

    gunicorn -c deploy/gunicorn.conf.py

Read from the environment (schoolwell.env; docs/scale.md: 2 processes x 4 threads per 2 cores):
  WEB_BIND     where to listen: 127.0.0.1:8000 (default) or unix:/run/schoolwell/web.sock;
               never a public address: TRUSTED_PROXY_COUNT trusts what nginx writes
  WEB_WORKERS  processes (default 2)
  WEB_THREADS  threads per process (default 4)
"""

import os


def _count(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


wsgi_app = "schoolwell.wsgi:application"
bind = [os.environ.get("WEB_BIND") or "127.0.0.1:8000"]
workers = _count("WEB_WORKERS", 2)
threads = _count("WEB_THREADS", 4)
worker_class = "gthread"

# A stopped or restarted worker finishes the requests it holds for up to 30 s (systemd's
# TimeoutStopSec in schoolwell-web.service leaves room for it).
graceful_timeout = 30
timeout = 60
# nginx opens a new connection per request; a short keep-alive frees the thread soon.
keepalive = 2

# No runtime control socket (gunicorn 25.1+ makes one in $HOME for `gunicornc`, which can
# change the worker count or stop the server): systemd starts, reloads and stops it.
control_socket_disable = True

# One line per request, and errors, on stdout/stderr: the journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
