"""The figures of bench/topology.py, after a run: the database is the truth.

Every intake version written during the run (its history row, written just before the
commit) is an event that each screen of its school should come to hold. From what each
screen held, and when:
- push latency: history row time -> the screen holding that version, for the events written
  before Redis was killed (the outage and its catch-up are reported on their own);
- lost: a (screen, intake) pair where the screen never held the intake although the intake
  is on its school's first queue page at the end (an intake that the page's 100-row limit
  keeps off every screen is counted apart, as `off the first page`: no screen shows it);
- stale: a screen whose rows differ from its school's first page in the database at the end;
- caught up: when a screen held every intake written during the outage that is on its
  school's first page at the end, counted from Redis's return.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import live_servers as live

TARGET_P95_MS, CATCH_UP_S = 100.0, 10.0


def _ms(values: list[float]) -> dict:
    return {k: v * 1000 for k, v in live.percentiles(values).items()}


def _events(truth: dict, t0: float) -> dict:
    """(intake, version) -> (history time, school) for what the run wrote."""
    return {(pk, v): (at, school) for pk, v, at, school in truth["written"] if at >= t0}


def _phase(at: float, fault: dict) -> str:
    if at < fault["killed"]:
        return "load"
    return "outage" if at < fault["restored"] else "after"


def screen_figures(seeded: dict, raw: dict, truth: dict) -> dict:
    fault, stop_at = raw["fault"], raw["t0"] + raw["window_s"]
    events = _events(truth, raw["t0"])
    by_school = defaultdict(list)
    for event, (at, school) in events.items():
        by_school[school].append((event, at))
    pages = {int(s): {int(pk): v for pk, v in rows.items()} for s, rows in truth["pages"].items()}
    latency = defaultdict(list)  # (school, phase) -> seconds
    lost, off_page, delivered, stale, closes_up = 0, 0, 0, 0, Counter()
    lost_intakes, catch_up, never_caught = set(), [], 0
    for screen in raw["screens"]:
        school, held = screen["school"], screen["held"]
        held_pks = defaultdict(list)
        for (pk, version), at in held.items():
            held_pks[pk].append((version, at))
        for (pk, version), at in by_school[school]:
            when = held.get((pk, version))
            if when is not None:
                delivered += 1
                latency[school, _phase(at, fault)].append(max(0.0, when - at))
        for pk in {pk for (pk, _), _ in by_school[school]}:
            if pk not in held_pks:
                if pk in pages[school]:
                    lost += 1
                    lost_intakes.add(pk)
                else:
                    off_page += 1
        page = pages[school]
        stale += any(screen["view"].get(pk) != v for pk, v in page.items())
        for at, code in screen["closes"]:
            if at < stop_at and not fault["killed"] <= at <= fault["restored"]:
                closes_up["watchdog" if code is None else code] += 1
        caught = _caught_up(screen, by_school[school], page, fault, held_pks)
        if caught is None:
            never_caught += 1
        else:
            catch_up.append(caught)
    incident = seeded["incident"]
    per_school = {s: _ms(latency[s, "load"])["p95"] for s in sorted(pages)}
    worst = max(per_school, key=lambda s: per_school[s], default=None)
    every_load = [v for (s, phase), values in latency.items() if phase == "load" for v in values]
    every_after = [v for (s, phase), values in latency.items() if phase == "after" for v in values]
    return {
        "events": len(events),
        "delivered": delivered,
        "push": _ms(every_load),
        "push_incident": _ms(latency[incident, "load"]),
        "push_p95_per_school": per_school,  # every school, the incident one included
        "push_worst_p95": per_school[worst] if worst is not None else float("nan"),
        "worst_school": worst,
        "push_after_outage": _ms(every_after),
        "lost_pairs": lost,
        "lost_intakes": len(lost_intakes),
        "off_page_pairs": off_page,
        "closed_while_up": sum(closes_up.values()),
        "closed_while_up_codes": {str(k): v for k, v in closes_up.items()},
        "stale": stale,
        "catch_up_max_s": max(catch_up, default=float("nan")),
        "catch_up_p50_s": live.percentiles(catch_up)["p50"],
        "never_caught_up": never_caught,
        "late_catch_up": sum(1 for c in catch_up if c > CATCH_UP_S),
    }


def reopening_figures(raw: dict) -> dict:
    """The catch-up in its two parts, per screen that reopened after Redis returned: how long
    until its socket was open again, and how long its first read after that (the changes, or
    the whole table) then took."""
    back = raw["fault"]["restored"]
    reopened, reread = [], []
    for screen in raw["screens"]:
        opened = min((at for at in screen["opens"] if at >= raw["fault"]["killed"]), default=None)
        if opened is None:
            continue
        reopened.append(max(0.0, opened - back))
        reads = [(a, b) for a, b in [*screen["deltas"], *screen["tables"]] if a >= opened - 0.01]
        if reads:
            start, end = min(reads)
            reread.append(end - start)
    return {"reopened": _ms(reopened), "reread": _ms(reread)}


def _caught_up(screen, written, page, fault, held_pks) -> float | None:
    """Seconds from Redis's return until the screen held every intake written during the
    outage that its page shows at the end (at that version or later); None: never."""
    needed = {pk: v for (pk, v), at in written if _phase(at, fault) == "outage" and pk in page}
    last = fault["restored"]
    for pk, version in needed.items():
        times = [at for v, at in held_pks.get(pk, []) if v >= version]
        if not times:
            return None
        last = max(last, min(times))
    return last - fault["restored"]


def submission_figures(cfg, raw: dict, truth: dict) -> dict:
    posts = raw["posts"]
    ok = [p for p in posts if p.get("outcome") == "ok"]
    # A submission still open when the run ended has no outcome: it is counted as cut off.
    answered = [p for p in posts if "outcome" in p]
    failed = Counter(p["outcome"] for p in answered if p["outcome"] != "ok")
    return {
        "offered": raw["arrivals"],
        "saved_concerns": sum(p["kind"] == "concern" for p in ok),
        "saved_urgent": sum(p["kind"] == "urgent" for p in ok),
        "per_second": len(ok) / raw["submit_s"],
        "post": _ms([p["seconds"] for p in ok]),
        "queued_p95_s": live.percentiles([p.get("queued", 0.0) for p in posts])["p95"],
        "failed": sum(failed.values()),
        "failed_kinds": dict(failed.most_common(4)),
        "unsaved": len(truth["unsaved"]),
        "not_finished": raw["arrivals"] - len(answered),
    }


def cost_figures(raw: dict, delivered: int) -> dict:
    window, server = raw["window_s"], raw["server_cpu_ms"]
    generator = raw["generator_cpu_ms"]
    end = raw["t0"] + window
    lags = [lag for at, lag in raw["loop_lag"] if raw["t0"] <= at <= end]
    requests, errors = Counter(), Counter()
    for screen in raw["screens"]:
        requests.update(screen["requests"])
        errors.update(screen["errors"])
    total = sum(server.values())
    return {
        "window_s": window,
        "server_cpu_ms": {k: round(v) for k, v in server.items()},
        "server_cpu_total_ms": round(total),
        "cpu_ms_per_event": total / delivered if delivered else float("nan"),
        "postgres": raw["postgres"],
        "generator_cpu_ms": {k: round(v) for k, v in generator.items()},
        "server_cores": total / 1000 / window,
        "generator_cores": sum(generator.values()) / 1000 / window,
        "loop_lag_ms": _ms(lags),
        "screen_requests": dict(requests),
        "screen_errors": dict(errors.most_common(5)),
    }


def summarise(cfg, seeded: dict, raw: dict, truth: dict) -> dict:
    screens = screen_figures(seeded, raw, truth)
    met = sum(p95 < TARGET_P95_MS for p95 in screens["push_p95_per_school"].values())
    return {
        "incident": seeded["incident"],
        "schools_met": met,
        "label": f"{cfg.side} tree",
        "open_s": raw["open_s"],
        **screens,
        **reopening_figures(raw),
        **{f"sub_{k}": v for k, v in submission_figures(cfg, raw, truth).items()},
        **cost_figures(raw, screens["delivered"]),
    }


def targets(r: dict) -> list[str]:
    """The targets this run missed (empty: all met)."""
    missed = []
    over = {s: p95 for s, p95 in r["push_p95_per_school"].items() if not p95 < TARGET_P95_MS}
    if over:
        missed.append(f"push p95 >= {TARGET_P95_MS:.0f} ms at {len(over)} school(s)")
    for name in ("lost_pairs", "closed_while_up", "stale", "never_caught_up", "late_catch_up"):
        if r[name]:
            missed.append(f"{name} = {r[name]}")
    if r["sub_unsaved"]:
        missed.append(f"{r['sub_unsaved']} answered submissions not in the database")
    return missed


def report(r: dict) -> list[str]:
    """Print one run's figures; returns the targets it missed."""
    print(
        f"\n== {r['label']}: screens open in {r['open_s']:.1f} s, window {r['window_s']:.0f} s =="
    )
    rows = [
        ("push, commit -> screen holds row p50/p95/max (before the outage)", _fmt(r["push"])),
        ("  incident school", _fmt(r["push_incident"])),
        (f"  p95 at the worst school (id {r['worst_school']})", f"{r['push_worst_p95']:.0f} ms"),
        ("  schools with p95 < 100 ms", f"{r['schools_met']} of {len(r['push_p95_per_school'])}"),
        ("  after Redis returned (includes catch-up)", _fmt(r["push_after_outage"])),
        ("events written / delivered (screen x version held)", f"{r['events']} / {r['delivered']}"),
        ("lost: (screen, intake) never held, on the page at the end", r["lost_pairs"]),
        ("  distinct intakes lost", r["lost_intakes"]),
        ("  never held, off the first 100 rows at the end (not lost)", r["off_page_pairs"]),
        (
            "screens closed while Redis was up",
            f"{r['closed_while_up']} {r['closed_while_up_codes'] or ''}",
        ),
        ("stale screens at the end (rows vs the database)", r["stale"]),
        (
            "caught up after Redis returned: p50 / max",
            f"{r['catch_up_p50_s']:.1f} / {r['catch_up_max_s']:.1f} s",
        ),
        (
            "  screens never caught up / later than 10 s",
            f"{r['never_caught_up']} / {r['late_catch_up']}",
        ),
        ("  socket open again after Redis returned p50/p95/max", _fmt(r["reopened"])),
        ("  its first read after reopening took p50/p95/max", _fmt(r["reread"])),
        (
            "submissions offered / saved (concerns + urgent)",
            f"{r['sub_offered']} / {r['sub_saved_concerns']} + {r['sub_saved_urgent']}",
        ),
        ("  achieved per second", f"{r['sub_per_second']:.1f}"),
        ("  POST p50/p95/max", _fmt(r["sub_post"])),
        ("  waited for a free slot p95", f"{r['sub_queued_p95_s']:.2f} s"),
        (
            "  failed / answered but not saved / cut off",
            f"{r['sub_failed']} / {r['sub_unsaved']} / {r['sub_not_finished']}",
        ),
        ("server CPU ms (window)", f"{r['server_cpu_total_ms']} = {r['server_cpu_ms']}"),
        (
            "  postgres: the server's whole CPU, this database's share",
            f"{r['postgres']['cluster_ms']:.0f} ms, {r['postgres']['share']:.0%}",
        ),
        ("server CPU ms per delivered event", f"{r['cpu_ms_per_event']:.2f}"),
        (
            "server cores busy / generator cores busy",
            f"{r['server_cores']:.2f} / {r['generator_cores']:.2f} of 2",
        ),
        ("generator CPU ms", r["generator_cpu_ms"]),
        ("generator event-loop lag p50/p95/max", _fmt(r["loop_lag_ms"])),
        ("screen HTTP requests", r["screen_requests"]),
        ("server log: 5xx answers / tracebacks / nginx alerts", r.get("server_log", "-")),
    ]
    for label, value in rows:
        print(f"  {label:<66}{value}")
    per_school = [f"{s}:{p95:.0f}" for s, p95 in r["push_p95_per_school"].items()]
    print("  push p95 ms per school (id:ms; incident school", f"{r['incident']}):")
    for start in range(0, len(per_school), 10):
        print("    " + "  ".join(per_school[start : start + 10]))
    for kind, count in {**r["sub_failed_kinds"], **r["screen_errors"]}.items():
        print(f"    e.g. {count} x {kind}")
    missed = targets(r)
    print("  targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return missed


def _fmt(p: dict) -> str:
    return f"{p['p50']:.0f} / {p['p95']:.0f} / {p['max']:.0f} ms"
