"""The register table's columns: the width goes where the text is, and a cut ends in "…".

At 80 columns seven columns cannot all show their whole text; at 120 they can, and the name
must not stay 8 cells wide while half the screen is empty. :func:`allocate` gives each column
its natural width (its widest cell, up to a cap) when everything fits, and the spare width to
the name and the outlet; when not, the short columns (time, kind, phone, status) keep theirs
and the long ones (name, outlet, guided to) share what is left, none below a floor. A cell
wider than its column is cut by :func:`fit` with "…", and the detail line under the table
shows the selected entry whole.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.cells import cell_len
from rich.text import Text

from frontdesk.domain.register.visits import MEDIA_KINDS, VisitKind

# (key, cap on the natural width, share of spare width, floor); in table order.
COLUMNS: tuple[tuple[str, int, int, int], ...] = (
    ("time", 11, 0, 5),
    ("kind", 10, 0, 4),
    ("name", 24, 3, 6),
    ("org", 30, 3, 6),
    ("phone", 13, 0, 4),
    ("where", 20, 2, 4),
    ("status", 14, 0, 6),
)
SHORT = frozenset({"time", "kind", "phone", "status"})
# DataTable draws one cell of padding on each side of every column, and a scrollbar.
PADDING = 2
SCROLLBAR = 2

# The kind filter one key cycles through: (id, the kinds it shows); None shows every kind.
KIND_FILTERS: tuple[tuple[str, frozenset[VisitKind]] | None, ...] = (
    None,
    ("journalists", frozenset(MEDIA_KINDS)),
    ("visitors", frozenset({VisitKind.VISITOR, VisitKind.VIP})),
    ("contractors", frozenset({VisitKind.CONTRACTOR})),
    ("suspicious", frozenset({VisitKind.SUSPICIOUS_PERSON, VisitKind.SUSPICIOUS_VEHICLE})),
)


def natural_widths(titles: Mapping[str, str], rows: Iterable[Mapping[str, str]]) -> dict[str, int]:
    """Each column's widest cell (title included), capped (in terminal cells)."""
    widths = {key: cell_len(titles.get(key, "")) for key, _cap, _w, _f in COLUMNS}
    for row in rows:
        for key, value in row.items():
            widths[key] = max(widths.get(key, 0), cell_len(value))
    return {key: min(widths[key], cap) for key, cap, _w, _f in COLUMNS}


def allocate(available: int, natural: Mapping[str, int]) -> dict[str, int]:
    """Column widths (content cells) for a table ``available`` cells wide."""
    room = max(available - PADDING * len(COLUMNS) - SCROLLBAR, len(COLUMNS))
    widths = {key: max(natural.get(key, 0), 1) for key, _c, _w, _f in COLUMNS}
    total = sum(widths.values())
    if total <= room:
        spare = room - total
        shares = {key: weight for key, _c, weight, _f in COLUMNS if weight}
        weight_sum = sum(shares.values())
        given = 0
        for key, weight in shares.items():
            extra = spare * weight // weight_sum
            widths[key] += extra
            given += extra
        widths["name"] += spare - given
        return widths
    floors = {key: floor for key, _c, _w, floor in COLUMNS}
    for key in SHORT:  # short columns keep their text unless even they do not fit
        widths[key] = natural.get(key, floors[key])
    long_keys = [key for key, _c, weight, _f in COLUMNS if weight]
    left = room - sum(widths[k] for k in SHORT)
    if left < sum(floors[k] for k in long_keys):
        for key in SHORT:  # a very narrow terminal: the short columns give way too
            widths[key] = floors[key]
        left = room - sum(widths[k] for k in SHORT)
    wanted = {k: max(natural.get(k, 0), floors[k]) for k in long_keys}
    for key in long_keys:
        widths[key] = floors[key]
    left -= sum(floors[k] for k in long_keys)
    # share the rest in proportion to what each long column still wants
    missing = {k: wanted[k] - floors[k] for k in long_keys}
    want_sum = sum(missing.values())
    if want_sum and left > 0:
        given = 0
        for key in long_keys:
            extra = min(missing[key], left * missing[key] // want_sum)
            widths[key] += extra
            given += extra
        for key in long_keys:  # rounding leftovers, to whoever still wants them
            if given >= left:
                break
            if widths[key] < wanted[key]:
                widths[key] += 1
                given += 1
    return widths


def fit(text: str | Text, width: int, style: str = "") -> Text:
    """``text`` in at most ``width`` cells; cut text ends with "…" (never silently)."""
    out = text.copy() if isinstance(text, Text) else Text(text, style=style)
    if cell_len(out.plain) > width:
        out.truncate(width, overflow="ellipsis")
    return out
