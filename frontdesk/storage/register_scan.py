"""Register searches the prefix index cannot answer, over the newest entries.

The search index (``visit_terms``) matches what a key *starts with*: a phone's first digits or
its last four, a name, an outlet. A guard also types digits from the middle of a phone number,
the last four characters of an ID, or a kind ("记者", "journalist"). Those are answered here by
reading the newest :data:`RECENT_SCAN` entries through the ``time_in`` index and testing each
in SQL, so a keystroke costs the same on a million entries as on twenty thousand; older entries
are still found by their prefix keys.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Collection

from frontdesk.domain.register.visits import Visit, VisitKind, from_payload

RECENT_SCAN = 20_000
_DIGITS = re.compile(r"^\d+$")
_ID_TAIL = re.compile(r"^[0-9X]{4}$")

# A stored phone without its +86 (mainland numbers are stored E.164: +8613800138000).
_NATIONAL = ("CASE WHEN json_extract(payload, '$.phone') LIKE '+86%'"
             " THEN substr(json_extract(payload, '$.phone'), 4)"
             " ELSE json_extract(payload, '$.phone') END")


def recent_matching(conn: sqlite3.Connection, *, phone_digits: str = "", id_tail: str = "",
                    kinds: Collection[VisitKind] = (), on_site_only: bool = False,
                    limit: int = 100) -> list[Visit]:
    """Newest entries whose phone contains ``phone_digits``, whose credential number ends in
    ``id_tail``, or whose kind is one of ``kinds`` (any of them), newest first."""
    tests: list[str] = []
    args: list[object] = [RECENT_SCAN]
    if phone_digits and _DIGITS.match(phone_digits):
        tests.append(f"instr({_NATIONAL}, ?) > 0")
        args.append(phone_digits)
    if id_tail and _ID_TAIL.match(id_tail):
        tests.append("upper(json_extract(payload, '$.credential_number')) LIKE ?")
        args.append("%" + id_tail)
    if kinds:
        tests.append(f"kind IN ({','.join('?' * len(kinds))})")
        args.extend(k.value for k in kinds)
    if not tests:
        return []
    on_site = " AND time_out IS NULL" if on_site_only else ""
    rows = conn.execute(
        "SELECT id, payload, conflict FROM (SELECT id, payload, conflict, time_in, time_out, kind"
        " FROM visits ORDER BY time_in DESC LIMIT ?)"
        f" WHERE ({' OR '.join(tests)}){on_site} ORDER BY time_in DESC LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [from_payload(r[0], json.loads(r[1]), bool(r[2])) for r in rows]


def ids_starting(conn: sqlite3.Connection, prefix: str, limit: int = 2) -> list[str]:
    """Ids of entries that start with ``prefix`` (a range on the primary key), at most ``limit``."""
    if not prefix:
        return []
    rows = conn.execute("SELECT id FROM visits WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                        (prefix, prefix + "\U0010ffff", limit)).fetchall()
    return [str(r[0]) for r in rows]
