"""No node-local state: two app nodes, each with its own DATA_DIR, behind one nginx, sharing
only PostgreSQL and Redis. A roster upload node A takes is imported by node B's task worker
(node A runs none); the session, its CSRF token and the import's page work whichever node
answers, and so do an editor's documents and images. Started from deploy/'s own files, as
tests/test_deploy.py does."""

import os
import re
import sys
import time

import pytest
import requests
from django.test import Client

from deploy.render import render
from schoolwell.models import RosterImport, StoredFile, Student
from tests.schoolwell.test_media import uploaded_document, uploaded_image
from tests.schoolwell.test_roster_web import SHARED, sample_schools_admin, zipped
from tests.test_deploy import (
    HOST,
    MAIN_CONF,
    SITE,
    Servers,
    _environment,
    _exec_start,
    _free_port,
    _nginx,
)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.postgres
@pytest.mark.redis
def test_an_upload_node_a_takes_is_imported_by_node_b_and_either_node_serves_the_session(
    transactional_db, tmp_path
):
    nginx = _nginx()
    site_port, port_a, port_b, asgi_1, asgi_2 = (_free_port() for _ in range(5))
    session = Client()
    session.force_login(sample_schools_admin())
    cookie = {"sessionid": session.cookies["sessionid"].value}
    servers = Servers(tmp_path)
    nodes = {}
    try:
        for node, port in (("a", port_a), ("b", port_b)):
            env = _environment(tmp_path / node, tmp_path / "static", site_port)
            nodes[node] = env
            web = {**env, "WEB_BIND": f"{HOST}:{port}"}
            servers.start(f"web-{node}", _exec_start("schoolwell-web.service"), web)
        # Node B alone runs a task worker. The sockets' upstreams are left unstarted: this
        # test sends nginx no /ws/ request (tests/test_deploy.py does).
        servers.start("tasks-b", [*_exec_start("schoolwell-tasks.service")], nodes["b"])
        site = tmp_path / "site.conf"
        text = render(
            SITE,
            {
                "PORT": str(site_port),
                "SERVER_NAME": HOST,
                "STATIC_ROOT": str(tmp_path / "static"),
                "GUNICORN": f"{HOST}:{port_a}",
                "ASGI_1": f"{HOST}:{asgi_1}",
                "ASGI_2": f"{HOST}:{asgi_2}",
            },
        )
        # The shipped site names one web server; here the upstream has both nodes.
        both = f"server {HOST}:{port_a};\n    server {HOST}:{port_b};"
        site.write_text(text.replace(f"server {HOST}:{port_a};", both, 1))
        main = tmp_path / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        main.write_text(MAIN_CONF.format(user=user, tmp=tmp_path, site=site))
        (tmp_path / "static").mkdir()
        command = [nginx, "-p", str(tmp_path), "-c", str(main), "-e", "stderr"]
        servers.start("nginx", [*command, "-g", "daemon off;"], nodes["a"])
        for name, port in (("nginx", site_port), ("web-a", port_a), ("web-b", port_b)):
            servers.wait_for_port(port, name)

        http = requests.Session()
        http.trust_env = False
        http.cookies.update(cookie)
        node_a = f"http://{HOST}:{port_a}"
        form = http.get(f"{node_a}/roster/import/", timeout=60)
        assert form.status_code == 200, form.text[:500]
        bundle = zipped(SHARED / "full", tmp_path / "roster.zip")
        posted = http.post(
            f"{node_a}/roster/import/",
            data={"csrfmiddlewaretoken": CSRF.search(form.text).group(1)},
            files={"bundle": ("roster.zip", bundle, "application/zip")},
            headers={"Referer": f"{node_a}/roster/import/", "X-Forwarded-Proto": "http"},
            allow_redirects=False,
            timeout=60,
        )
        assert posted.status_code == 302, posted.text[:2000]
        record = RosterImport.objects.get()
        assert StoredFile.objects.filter(name__startswith="roster-uploads/").exists()

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            record.refresh_from_db()
            if record.status != RosterImport.Status.RUNNING:
                break
            time.sleep(0.5)
        assert record.status == RosterImport.Status.DONE, (record.errors, servers.report())
        assert Student.objects.count() == 4
        # The task removes the shared copy just after the import's own commit says DONE.
        while StoredFile.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not StoredFile.objects.exists()  # node B removed the shared copy
        assert not list((tmp_path / "a").rglob("*.zip"))  # node A never kept it on disk

        # Through nginx, both nodes answer this session (round robin), the result page each
        # time: their own access logs show they both served it.
        detail = f"/roster/import/{record.pk}/"
        for _ in range(4):
            page = http.get(f"http://{HOST}:{site_port}{detail}", timeout=60)
            assert page.status_code == 200 and "What changed" in page.text
        assert detail in servers.log("web-a") and detail in servers.log("web-b")

        # What an editor uploaded (here, through this process) either node serves.
        document = uploaded_document(b"Food pantry hours")
        rendition = uploaded_image().get_rendition("max-20x20")
        for node in (node_a, f"http://{HOST}:{port_b}"):
            assert http.get(f"{node}{document.url}", timeout=60).content == b"Food pantry hours"
            image = http.get(f"{node}{rendition.url}", timeout=60)
            assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        assert not list((tmp_path / "a").rglob("*.png")) + list((tmp_path / "b").rglob("*.png"))
    except Exception:
        print(servers.report(), file=sys.stderr)
        raise
    finally:
        servers.stop()
