"""PIN hashing cost, time to sign in, and what brute-forcing a copied database would cost.

Run:  python bench/bench_pins.py [--runs 15] [--json]

Measures, on this machine, for the parameters in ``frontdesk.domain.trust.pins`` and for the
old ones (the OWASP minimum, m=19 MiB t=2 p=1):

* one argon2id verification: wall time (``perf_counter``) and CPU time (``thread_time``, one
  core: the figure an attacker pays per guess, and steadier on a loaded machine);
* a whole sign-in as the sign-in screen's worker does it (``AuthService.sign_in`` on a fresh
  database: the lockout reads, the peppered verification, the audit event, the commit), and a
  sign-in that also upgrades an old hash (old verification + new hash);
* the cost to try every 6-digit PIN (10^6) against a copied database: guesses x CPU per guess,
  in core-hours. With the pepper file left behind this is not a matter of cost: each guess first
  needs the 256-bit pepper (2^255 tries on average), so no number of cores helps.

Medians (and min/max) over ``--runs`` repetitions after one warm-up.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PIN = "582913"
SPACE = 10**6


def timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    """Median/min/max wall and CPU milliseconds of ``fn`` over ``runs`` (one warm-up first)."""
    fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return {"wall_ms": statistics.median(wall), "wall_min_ms": min(wall),
            "wall_max_ms": max(wall), "cpu_ms": statistics.median(cpu), "cpu_min_ms": min(cpu)}


def hashing(runs: int) -> dict[str, Any]:
    """One verification with the current and the old parameters."""
    from argon2 import PasswordHasher, Type

    from frontdesk.domain.trust import pins

    pepper = os.urandom(32)
    current = pins.hash_pin(PIN, pepper=pepper)
    old_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
    old = old_hasher.hash(PIN)
    return {
        "params": {"m_kib": pins.ARGON2_MEMORY_COST_KIB, "t": pins.ARGON2_TIME_COST,
                   "p": pins.ARGON2_PARALLELISM},
        "current": timed(lambda: pins.verify_pin(current, PIN, pepper=pepper), runs),
        "old": timed(lambda: old_hasher.verify(old, PIN), runs),
    }


def sign_in(runs: int) -> dict[str, Any]:
    """A whole sign-in, and one that upgrades an old hash, on a fresh database."""
    from argon2 import PasswordHasher, Type

    from frontdesk.context import AppContext
    from frontdesk.paths import resolve_paths
    from frontdesk.services.trust.auth import auth_service
    from frontdesk.storage import users

    with tempfile.TemporaryDirectory() as home:
        ctx = AppContext.create(paths=resolve_paths(home=home))
        ctx.open()
        auth = auth_service(ctx)
        auth.create_first_supervisor("陈主管", PIN, "bench", "Asia/Shanghai")
        plain = timed(lambda: auth.sign_in("陈主管", PIN), runs)
        old_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)

        def upgrade() -> None:
            with ctx.require_db().write() as conn:
                users.set_pin(conn, "陈主管", old_hasher.hash(PIN))
            auth.sign_in("陈主管", PIN)

        with_upgrade = timed(upgrade, max(3, runs // 3))
        ctx.close()
    return {"sign_in": plain, "sign_in_with_upgrade": with_upgrade}


def main() -> int:
    """Measure and print (a table, or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"load": os.getloadavg(), "cpus": os.cpu_count()}
    result |= hashing(args.runs)
    result |= sign_in(args.runs)
    for name in ("current", "old"):
        cpu_s = result[name]["cpu_min_ms"] / 1000
        result[name]["core_hours_1e6"] = SPACE * cpu_s / 3600
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    p = result["params"]
    print(f"load {result['load']}, cpus {result['cpus']}, argon2id m={p['m_kib']} KiB "
          f"t={p['t']} p={p['p']}")
    for name in ("current", "old"):
        r = result[name]
        print(f"{name:8} verify: wall median {r['wall_ms']:.0f} ms (min {r['wall_min_ms']:.0f}, "
              f"max {r['wall_max_ms']:.0f}); CPU median {r['cpu_ms']:.0f} ms, min "
              f"{r['cpu_min_ms']:.0f} ms; 10^6 PINs = {r['core_hours_1e6']:.0f} core-hours")
    for name in ("sign_in", "sign_in_with_upgrade"):
        r = result[name]
        print(f"{name:21} wall median {r['wall_ms']:.0f} ms (min {r['wall_min_ms']:.0f}, max "
              f"{r['wall_max_ms']:.0f}); CPU median {r['cpu_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
