"""What the pages with forms cost to render, with the widgets written in Python
(schoolwell/form_renderer.py) against Django's widget templates, in turn in this process.

Reads the seeded demo database that DATA_DIR points to (`make seed` makes it), as the demo
counselor (signed in with the test client, no server): the case page with the most notes, an
open intake, the concern form and the queue. Each round renders every page once with each
renderer, alternating, so a change of machine speed touches both alike. Prints the median
milliseconds of each page and the ratio.

    make seed && .venv/bin/python bench/render.py               # 30 rounds
    DATA_DIR=/tmp/demo .venv/bin/python bench/render.py --rounds 10
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module (Django needs it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = "django.forms.renderers.DjangoTemplates"


def pages(user) -> dict[str, str]:
    from django.db.models import Count

    from support_team.models import Case, Intake

    schools = user.memberships.values("school")
    case = Case.objects.filter(school__in=schools).annotate(n=Count("notes")).latest("n")
    intake = Intake.objects.filter(school__in=schools, closed_at__isnull=True).first()
    return {
        "case page": f"/team/cases/{case.pk}/",
        "intake": f"/team/queue/{intake.pk}/",
        "concern form": "/concerns/new/",
        "queue": "/team/queue/",
    }


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    took = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    from schoolwell.demo import demo_email

    setup_test_environment()  # the test client's host and no e-mail sent
    counselor = get_user_model().objects.get(username=demo_email("counselor"))
    client = Client()
    client.force_login(counselor)
    urls = pages(counselor)
    python = {name: [] for name in urls}
    templates = {name: [] for name in urls}
    for _ in range(args.rounds + 1):  # the first round warms both up and is dropped
        for name, url in urls.items():
            python[name].append(timed(client, url))
            with override_settings(FORM_RENDERER=TEMPLATES):
                templates[name].append(timed(client, url))
    print(f"{'page':<14}{'python ms':>11}{'templates ms':>14}{'ratio':>8}")
    for name in urls:
        new, old = statistics.median(python[name][1:]), statistics.median(templates[name][1:])
        print(f"{name:<14}{new:>11.1f}{old:>14.1f}{new / old:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
