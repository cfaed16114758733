"""The timings of bench/concerns.py: the concern write path against a bare insert, and the
student search against a bare filter, run alternately so machine drift hits both alike."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta

from concerns_school import WARMUP, search_queries

BLOCK = 10  # creates per alternating block


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def rank(p: float) -> float:  # nearest rank
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]

    return {"p50": rank(0.50), "p95": rank(0.95), "max": ordered[-1]}


def measure_creates(school, teacher, student_ids: list[int], n: int, rng: random.Random) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from concerns.models import Concern
    from concerns.services import concern_create
    from schoolwell.models import Category, Student

    # Not the always-urgent ones: their e-mail alert is a separate path, not this write.
    categories = list(Category.objects.filter(active=True, always_urgent=False))
    sample_ids = rng.sample(student_ids, min(len(student_ids), 2 * n + 4 * BLOCK))
    students = {s.pk: s for s in Student.objects.filter(pk__in=sample_ids)}
    severities = [c for c, _ in Concern.Severity.choices]
    narrative = (
        "Seemed withdrawn in class again today and did not eat at lunch. Said things at home "
        "are difficult at the moment and asked if they could stay in at break."
    )

    def inputs():
        return {
            "student": students[sample_ids.pop()],
            "categories": rng.sample(categories, rng.randint(1, 3)),
            "severity": rng.choice(severities),
            "observed_on": date.today() - timedelta(days=rng.randrange(5)),
        }

    def service(kw) -> float:
        key = uuid.uuid4()
        started = time.perf_counter()
        with transaction.atomic():
            concern_create(
                reporter=teacher,
                school=school,
                narrative=narrative,
                observed_place="Classroom",
                idempotency_key=key,
                **kw,
            )
        return time.perf_counter() - started

    def floor(kw) -> float:
        key = uuid.uuid4()
        started = time.perf_counter()
        with transaction.atomic():
            concern = Concern.objects.create(
                reporter=teacher,
                school=school,
                student=kw["student"],
                severity=kw["severity"],
                narrative=narrative,
                observed_on=kw["observed_on"],
                observed_place="Classroom",
                created_at=timezone.now(),
                idempotency_key=key,
            )
            concern.categories.set(kw["categories"])
        return time.perf_counter() - started

    for _ in range(BLOCK):  # warm-up: caches, prepared statements, imports
        service(inputs())
        floor(inputs())
    with CaptureQueriesContext(connection) as service_sql:
        service(inputs())
    with CaptureQueriesContext(connection) as floor_sql:
        floor(inputs())

    times = {"service": [], "floor": []}
    for block in range(-(-n // BLOCK)):
        order = [("service", service), ("floor", floor)]
        if block % 2:
            order.reverse()
        for name, run in order:
            for _ in range(BLOCK):
                times[name].append(run(inputs()))
    return {
        "n": len(times["service"]),
        "service": {**percentiles(times["service"]), "queries": len(service_sql)},
        "floor": {**percentiles(times["floor"]), "queries": len(floor_sql)},
    }


def measure_search(teacher, people, rng: random.Random) -> dict:
    from concerns.selectors import student_search
    from schoolwell.models import Student

    queries = search_queries(people, rng)
    for _, q in queries[:WARMUP]:
        student_search(user=teacher, query=q)
        list(Student.objects.filter(legal_last_name__icontains=q)[:10])
    queries = queries[WARMUP:]

    times: dict[str, list[float]] = {"service": [], "floor": []}
    hits = {"service": 0, "floor": 0}
    by_kind: dict[str, list[float]] = {}

    def service(q: str) -> list:
        return student_search(user=teacher, query=q)

    def floor(q: str) -> list:
        return list(Student.objects.filter(legal_last_name__icontains=q)[:10])

    for i, (kind, q) in enumerate(queries):
        order = [("service", service), ("floor", floor)]
        if i % 2:
            order.reverse()
        for name, run in order:
            started = time.perf_counter()
            found = run(q)
            times[name].append(time.perf_counter() - started)
            hits[name] += bool(found)
        by_kind.setdefault(kind, []).append(times["service"][-1])
    return {
        "n": len(queries),
        "service": {**percentiles(times["service"]), "with_hits": hits["service"]},
        "floor": {**percentiles(times["floor"]), "with_hits": hits["floor"]},
        "by_kind": {k: {**percentiles(v), "n": len(v)} for k, v in sorted(by_kind.items())},
    }
