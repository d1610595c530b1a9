"""Watch-list matching: recall and false alarms by variant kind, and per-keystroke latency.

Quality: a generated world (``bench/gen_watch.py``: ``--watch`` watched people, each coming back
in every variant kind that applies, and ``--visitors`` unrelated visitors) is matched against a
:class:`~frontdesk.domain.watch.matcher.WatchIndex` of the active entries. A probe is *found*
when its watched person's entry scores at or above the threshold; a visitor is a *false alarm*
when any entry does. Reported per kind / group at the default threshold, then a sweep.

Latency: a second world of ``--latency-watch`` entries (10,000 by default); ``--typists``
people (half watched, in their variant forms, half unrelated) are typed into the form field by
field, one keystroke at a time (a Chinese name one committed character at a time, pinyin and
digits one letter at a time), and every keystroke's ``match`` is timed. Also: the index build
time, and the cost of importing the matching modules and their libraries in a fresh process.

Command: ``python bench/bench_watch.py [--seed 1] [--watch 2000] [--visitors 10000]
[--latency-watch 10000] [--typists 400] [--json]``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_watch  # noqa: E402

from frontdesk.domain.watch.matcher import DEFAULT_THRESHOLD, WatchIndex, WatchQuery  # noqa: E402

SWEEP = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


def quality(seed: int, n_watch: int, n_visitors: int) -> dict[str, Any]:
    """Recall per variant kind and false alarms per visitor group, for every threshold."""
    world = gen_watch.make_world(seed, n_watch, n_visitors)
    index = WatchIndex(world.entries, gen_watch.TODAY, secret=gen_watch.SECRET, threshold=0)
    found: dict[str, list[float]] = defaultdict(list)  # kind -> score of the right entry
    wrong: dict[str, list[float]] = defaultdict(list)  # kind -> best score of another entry
    for p in world.probes:
        hits = index.evidence(p.query)
        right = max((h.score for h in hits if h.entry_id == p.expect), default=0.0)
        other = max((h.score for h in hits if h.entry_id != p.expect), default=0.0)
        found[p.kind].append(right)
        wrong[p.kind].append(other)
    alarms: dict[str, list[float]] = defaultdict(list)
    for group, q in world.visitors:
        alarms[group].append(max((h.score for h in index.evidence(q)), default=0.0))
    alone = [max((h.score for h in index.evidence(WatchQuery(name=e.name))
                  if h.entry_id == e.id), default=0.0) for e in index.entries]
    return {"found": found, "wrong": wrong, "alarms": alarms, "name_alone": alone,
            "active": len(index), "entries": len(world.entries)}


def _unrelated(q: dict[str, Any]) -> list[float]:
    return [x for g in ("random", "same_surname", "common_namesake") for x in q["alarms"][g]]


def _rate(scores: list[float], t: float) -> float:
    return sum(s >= t for s in scores) / len(scores) if scores else float("nan")


def _keystrokes(q: WatchQuery, rng: random.Random) -> list[WatchQuery]:
    """The form's states while ``q`` is typed field by field, one keystroke at a time."""
    states: list[WatchQuery] = []
    typed: dict[str, str] = {}
    fields = [f for f in ("name", "organisation", "phone", "plate", "id_number") if getattr(q, f)]
    rng.shuffle(fields)
    for f in fields:
        value = getattr(q, f)
        for i in range(1, len(value) + 1):
            typed[f] = value[:i]
            states.append(WatchQuery(**typed))
    return states


def latency(seed: int, n_watch: int, typists: int) -> dict[str, Any]:
    """Per-keystroke match time with ``n_watch`` entries; index build time; false flashes."""
    world = gen_watch.make_world(seed + 1, n_watch, typists)
    t0 = time.perf_counter()
    c0 = time.process_time()
    entries = [e.with_changes(until=None) for e in world.entries]  # all n_watch in force
    index = WatchIndex(entries, gen_watch.TODAY, secret=gen_watch.SECRET)
    build = (time.perf_counter() - t0, time.process_time() - c0)
    rng = random.Random(seed)
    watched = rng.sample([p for p in world.probes if p.expect], typists // 2)
    people = [(p.query, True) for p in watched]
    unrelated = [q for group, q in world.visitors if group != "any_namesake"]
    people += [(q, False) for q in rng.sample(unrelated, typists - len(watched))]
    times: list[float] = []
    flashes = states_unrelated = 0
    for q, is_watched in people:
        for state in _keystrokes(q, rng):
            t = time.perf_counter()
            hits = index.match(state)
            times.append(time.perf_counter() - t)
            if not is_watched:
                states_unrelated += 1
                flashes += bool(hits)
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] * 1000

    return {"entries": len(index), "keystrokes": len(times), "p50_ms": pct(0.50),
            "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": times[-1] * 1000,
            "build_s": build[0], "build_cpu_s": build[1], "unrelated_states": states_unrelated,
            "false_flashes": flashes}


def import_cost() -> dict[str, float]:
    """Wall and CPU ms to import the matcher and match once, in a fresh process."""
    code = (
        "import time; t=time.perf_counter(); c=time.process_time();"
        "from datetime import date, datetime, UTC;"
        "from frontdesk.domain.watch.model import WatchEntry;"
        "from frontdesk.domain.watch.matcher import WatchIndex, WatchQuery;"
        "e=WatchEntry(id='x', name='張偉', reason='r', added_by='s', added_at=datetime.now(UTC),"
        " phones=('+8613800138000',));"
        "WatchIndex([e], date.today()).match(WatchQuery(name='zhang wei', phone='13800138000'));"
        "print((time.perf_counter()-t)*1000, (time.process_time()-c)*1000)"
    )
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parent.parent)
        runs.append(tuple(float(x) for x in out.stdout.split()))
    runs.sort()
    return {"wall_ms_median": runs[2][0], "cpu_ms_median": sorted(r[1] for r in runs)[2]}


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a report (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--watch", type=int, default=2000)
    ap.add_argument("--visitors", type=int, default=10_000)
    ap.add_argument("--latency-watch", type=int, default=10_000)
    ap.add_argument("--typists", type=int, default=400)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    q = quality(args.seed, args.watch, args.visitors)
    lat = latency(args.seed, args.latency_watch, args.typists)
    imp = import_cost()
    t = DEFAULT_THRESHOLD
    report = {
        "threshold": t, "load": os.getloadavg(),
        "recall": {k: {"n": len(v), "recall": _rate(v, t),
                       "wrong_entry_alarms": sum(s >= t for s in q["wrong"][k])}
                   for k, v in q["found"].items()},
        "false_alarms_per_1000": {g: {"n": len(v), "per_1000": 1000 * _rate(v, t)}
                                  for g, v in q["alarms"].items()},
        "name_alone_alarms": _rate(q["name_alone"], t),
        "false_alarms_unrelated_per_1000": 1000 * _rate(_unrelated(q), t),
        "sweep": {str(s): {
            "min_recall": min(_rate(v, s) for k, v in q["found"].items() if k != "expired"),
            "expired_alarms": _rate(q["found"].get("expired", []), s),
            "fa_per_1000_target_groups": 1000 * _rate(_unrelated(q), s),
            "fa_per_1000_any_namesake": 1000 * _rate(q["alarms"]["any_namesake"], s),
        } for s in SWEEP},
        "latency": lat, "import": imp, "active_entries": q["active"],
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"threshold {t}; {q['active']} active of {q['entries']} entries; "
          f"load {report['load']}")
    print(f"{'kind':22} {'n':>6} {'recall':>7} {'wrong-entry alarms':>19}")
    for k, r in report["recall"].items():
        print(f"{k:22} {r['n']:6} {r['recall']:7.3f} {r['wrong_entry_alarms']:19}")
    print(f"{'visitor group':22} {'n':>6} {'false alarms per 1,000':>23}")
    for g, r in report["false_alarms_per_1000"].items():
        print(f"{g:22} {r['n']:6} {r['per_1000']:23.2f}")
    print(f"all {len(_unrelated(q))} unrelated visitors: "
          f"{report['false_alarms_unrelated_per_1000']:.2f} false alarms per 1,000")
    print(f"a watched name typed alone alarms for {report['name_alone_alarms']:.3f} of entries")
    print("sweep: threshold, min recall over kinds, FA/1000 (random+same surname+common "
          "namesake), FA/1000 any namesake, expired alarms")
    for s, r in report["sweep"].items():
        print(f"  {s:5} {r['min_recall']:.3f} {r['fa_per_1000_target_groups']:.2f} "
              f"{r['fa_per_1000_any_namesake']:.1f} {r['expired_alarms']:.3f}")
    print("latency:", {k: round(v, 3) if isinstance(v, float) else v for k, v in lat.items()})
    print("import + first match in a fresh process:", {k: round(v, 1) for k, v in imp.items()})


if __name__ == "__main__":
    main()
