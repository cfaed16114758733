"""The figures of bench/load.py, after the run: the database is the truth. Every answered
submission must be saved, every intake version heard by every screen (or missed for a
reason), every screen's rows equal to the queue selector's."""

from __future__ import annotations

import live_servers as live


def in_any(at: float, spans) -> bool:
    return any(start <= at <= (stop or float("inf")) for start, stop in spans)


def summarise(cfg, seeded: dict, raw: dict) -> dict:
    from concerns.models import Concern
    from schoolwell.models import User
    from self_report.models import SelfReport
    from support_team import selectors
    from support_team.models import Intake

    posts = raw["stats"].posts
    ok = [p for p in posts if p.get("outcome") == "ok"]
    saved = {str(k) for k in Concern.objects.values_list("idempotency_key", flat=True)}
    saved |= {str(k) for k in SelfReport.objects.values_list("idempotency_key", flat=True)}
    lost = [p["key"] for p in ok if p["key"] not in saved]
    errors = [p for p in posts if p.get("outcome") != "ok"]
    fault = raw["fault"]

    # Every intake version written during the run is an event every screen should hear.
    written = {
        (pk, version): when.timestamp()
        for pk, version, when in Intake.history.filter(
            school_id=seeded["school"], history_date__gte=_aware(raw["t0"])
        ).values_list("id", "version", "history_date")
    }
    truth = {}
    for user_id, _ in seeded["team"]:
        user = User.objects.get(pk=user_id)
        rows = selectors.queue_rows(user=user, filters=selectors.QueueFilters())
        truth[user_id] = {i.pk: i.version for i in rows}
    push, not_sent, while_away, lost_connected, stale_live, stale_final = [], 0, 0, 0, 0, 0
    reconnected, catch_up, screen_errors = 0, [], []
    for screen in raw["screens"]:
        heard = {(pk, v): at for pk, v, at in screen.received}
        # The fault, for this screen: from the kill until its socket is back (a socket the
        # server has not closed yet hears nothing either; its reconnect re-fetches the rows).
        redis_down = []
        if fault:
            back = [up for _, up in screen.down if up and up >= fault["killed"]]
            redis_down = [(fault["killed"], max([fault["restored"], *back[:1]]))]
        for event, at in written.items():
            if event in heard:
                push.append(heard[event] - at)
            elif in_any(at, redis_down):
                not_sent += 1
            elif in_any(at, screen.down):
                while_away += 1
            else:
                lost_connected += 1
        expected = truth[screen.user]
        stale_live += any(screen.view.get(pk) != v for pk, v in expected.items())
        stale_final += screen.final != expected
        if screen.down:
            reconnected += 1
            back = [t for t in screen.resyncs if t >= screen.down[0][0]]
            if fault and back:
                catch_up.append(back[0] - fault["restored"])
        screen_errors += screen.errors
    submissions = [p["seconds"] for p in ok]
    return {
        "label": cfg.label,
        "clients": cfg.clients,
        "teachers": cfg.teachers,
        "students": cfg.students,
        "seconds": cfg.seconds,
        "fault": bool(fault),
        "connect_s": raw["connect_s"],
        "submit_s": raw["submit_s"],
        "final_fetch_s": raw["final_fetch_s"],
        "concerns": sum(p["kind"] == "concern" for p in ok),
        "self_reports": sum(p["kind"] == "self-report" for p in ok),
        "during_outage": sum(
            in_any(p["at"], [(fault["killed"], fault["restored"])] if fault else []) for p in ok
        ),
        "throughput": len(ok) / raw["submit_s"],
        "post": {k: v * 1000 for k, v in live.percentiles(submissions).items()},
        "push": {k: v * 1000 for k, v in live.percentiles(push).items()},
        "events": len(written),
        "errors": len(errors),
        "error_kinds": sorted({p.get("outcome", "?") for p in errors})[:5],
        "lost": len(lost),
        "not_sent": not_sent,
        "while_away": while_away,
        "lost_connected": lost_connected,
        "reconnected": reconnected,
        "catch_up": live.percentiles(catch_up) if catch_up else None,
        "stale_live": stale_live,
        "stale_final": stale_final,
        "screen_errors": len(screen_errors),
        "screen_error_kinds": sorted(set(screen_errors))[:3],
    }


def _aware(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


def report(r: dict) -> bool:
    fault = "Redis killed for 10 s mid-run" if r["fault"] else "no fault"
    print(
        f"\n== {r['label']}: {r['clients']} queue screens, {r['teachers']} teachers, "
        f"{r['students']} students, {r['seconds']:g} s, {fault} =="
    )
    print(f"screens open in {r['connect_s']:.1f} s; final rows fetch {r['final_fetch_s']:.1f} s")
    rows = [
        ("submissions saved (concerns + check-ins)", f"{r['concerns']} + {r['self_reports']}"),
        ("  of which while Redis was down", r["during_outage"] if r["fault"] else "-"),
        ("throughput", f"{r['throughput']:.1f} submissions/s"),
        ("POST to response p50 / p95 / max", _ms(r["post"])),
        ("queue events (intake versions written)", r["events"]),
        ("push, commit to screen p50 / p95 / max", _ms(r["push"])),
        ("errors (non-2xx/3xx, form re-shown, exceptions)", r["errors"]),
        ("lost submissions (success answered, not in db)", r["lost"]),
        ("pushes lost while connected", r["lost_connected"]),
        (
            "pushes missed from the kill to the screen's reconnect",
            r["not_sent"] if r["fault"] else "-",
        ),
        ("pushes missed while a screen reconnected", r["while_away"]),
        ("screens that lost their socket and reconnected", r["reconnected"]),
        ("caught up: Redis back -> rows re-fetched p50/max", _catch(r["catch_up"])),
        ("screens stale before the final fetch", r["stale_live"]),
        ("stale queues after the final fetch (vs db)", r["stale_final"]),
        ("screen fetch errors", r["screen_errors"]),
    ]
    for label, value in rows:
        print(f"  {label:<56}{value}")
    for kind in r["error_kinds"] + r["screen_error_kinds"]:
        print(f"    e.g. {kind}")
    return r["errors"] == r["lost"] == r["stale_final"] == r["lost_connected"] == 0


def _ms(p: dict) -> str:
    return f"{p['p50']:.0f} / {p['p95']:.0f} / {p['max']:.0f} ms"


def _catch(p) -> str:
    return "-" if p is None else f"{p['p50']:.1f} / {p['max']:.1f} s"
