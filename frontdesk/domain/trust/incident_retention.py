"""Retention and erasure for incidents: which parts hold personal data of people who are not staff.

Issue 7: "incidents keep their records but lose personal fields of people who are not staff".
Incidents have no person fields of their own: the visitors, journalists, residents, witnesses
and injured of an incident appear in the *free text* guards type (a note "记者王五
13800138000 在南门拍摄", a skip reason, a call note, the report's account) and, on a handover
sheet, as the names of the people still on site. :mod:`frontdesk.domain.trust.retention` already
treats a register entry's ``notes`` and ``purpose`` as personal for this reason; the same rule
applies here. So for every synced record of the incident feature:

==================  ===========================================================================
kind                what goes (replaced by :data:`REMOVED_MARK`-style text, see below)
==================  ===========================================================================
``incident``        ``summary`` (free text)
``timeline_entry``  ``text`` of notes, calls, corrections and other typed lines; for state,
                    level and checklist lines only the typed reason at the end (the generated
                    "待处置 → 已结案" / "✓ item" part stays); ``data.reason`` and ``data.note``
``incident_report`` each account line's text (its leading "HH:MM" stays), ``conclusion``,
                    ``suggestions``, ``returned_reason``
``handover``        ``on_site[].name`` (visitors copied from the register), ``incidents[].summary``
``call_attempt``    ``note`` (what the guard typed about the call)
``escalation_skip`` ``reason``
==================  ===========================================================================

Kept, and why:

* everything about staff: ``opened_by``, ``author``, ``by``, ``edited_by``, ``signer``,
  ``approved_by``, ``returned_by``, ``accepted_by``, ``created_by``, the escalation plan (the
  call chain's contacts are staff, named for accountability) and ``contact_id`` / ``role``;
* the incident's shape: ``kind``, ``level``, ``state``, every instant (so the clocks and the
  duty board read the same), ``visit_ids`` (ids only; the entries purge on their own schedule),
  the timeline's entry kinds, order, supersedes links and structured ``data`` (from/to,
  checklist item and mark, raised, reopen, unconfirmed), ``photo_refs`` (where photos are kept,
  not people);
* ``place`` (a place on the site, like a register entry's ``location``; a flat number in it is
  the scene of the incident, which the record needs);
* public statements (``statements`` and ``statement`` lines): already published by the company;
  blanking them would not un-publish them and would break the statement clock and close gate.

A removed value is not set to ``None`` in the new version but replaced by a short bilingual mark
passed in by the caller (e.g. "〔已清除/removed〕"), so a skipped checklist item still reads as
skipped *with* a reason, an account line keeps its time, and the screens show what happened to
the text. Older stored versions lose the whole field (``None``) through the purge marker
(:data:`MARKED_FIELDS`, :mod:`frontdesk.sync.merge`). Erasure on request uses the same places
but replaces only the matches of that one person (:func:`person_redactor`).

Pure: no I/O, no clock; callers pass payloads in and get new payloads back.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdesk.domain.trust.identifiers import PersonIds, name_pattern
from frontdesk.domain.trust.retention import (
    PURGED_AT,
    PURGED_FLAG,
    PersonKey,
    normalize_credential,
    normalize_name,
    normalize_phone,
    normalize_plate,
)

INCIDENT = "incident"
ENTRY = "timeline_entry"
REPORT = "incident_report"
HANDOVER = "handover"
CALL = "call_attempt"
SKIP = "escalation_skip"

#: Record kinds of the incident feature that can hold personal data of people who are not staff.
KINDS: tuple[str, ...] = (INCIDENT, ENTRY, REPORT, HANDOVER, CALL, SKIP)

#: Kinds whose records belong to one incident through ``incident_id`` (the incident itself by id).
INCIDENT_LINKED: tuple[str, ...] = (ENTRY, CALL, SKIP)

#: Top-level fields a purge marker names: older versions lose them whole (set to ``None``).
#: A nested value (``data.reason``, an account line) can only be blanked with its field.
MARKED_FIELDS: Mapping[str, tuple[str, ...]] = {
    INCIDENT: ("summary",),
    ENTRY: ("data", "text"),
    REPORT: ("account", "conclusion", "returned_reason", "suggestions"),
    HANDOVER: ("incidents", "on_site"),
    CALL: ("note",),
    SKIP: ("reason",),
}

#: Timeline entry kinds whose text is generated (kept whole) or public (statements).
_KEEP_TEXT = frozenset({"report", "statement"})
#: Entry kinds whose text is generated, with the typed ``data.reason`` appended after it.
_REASON_SUFFIX = frozenset({"state", "level", "checklist"})
#: Free-text keys inside a timeline entry's ``data``.
_DATA_TEXT = ("reason", "note")
#: "HH:MM " or "MM-DD HH:MM " at the start of an account line (see report.draft_from_timeline).
_STAMP = re.compile(r"^((?:\d{2}-\d{2} )?\d{2}:\d{2} )(.*)$", re.DOTALL)

Rewrite = Callable[[str], str]


@dataclass
class Scrubber:
    """How to rewrite free text (``text``) and a whole person's name (``name``)."""

    text: Rewrite
    name: Rewrite
    matched: set[str] = field(default_factory=set)


def removal(mark: str) -> Scrubber:
    """The retention rewrite: any non-blank text or name becomes ``mark``."""
    def whole(value: str) -> str:
        return mark if value.strip() else value

    return Scrubber(whole, whole)


def _spaced(chars: str) -> str:
    """A pattern for ``chars`` with an optional space or dash between any two of them."""
    return r"[\s\-]?".join(re.escape(c) for c in chars)


def _phone_pattern(norm: str) -> re.Pattern[str]:
    if norm.startswith("+"):
        return re.compile(rf"(?<![\d+])(?:\+|00)\s?{_spaced(norm[1:])}(?!\d)")
    return re.compile(rf"(?<![\d+])(?:(?:\+|00)\s?86[\s\-]?|86(?=1)|0)?{_spaced(norm)}(?!\d)")


def _same(norm: Callable[[str], str], want: str) -> Callable[[str], bool]:
    """A check that a match, normalised with ``norm``, is ``want`` (confirms a loose pattern)."""
    return lambda text: norm(text) == want


def _any(_text: str) -> bool:
    """A name match needs no confirming (the pattern is exact)."""
    return True


def person_redactor(who: PersonKey | PersonIds, mark: str) -> Scrubber:
    """The erasure rewrite for one person: each match of any of their credential numbers,
    phones, plates or names inside a text becomes ``mark``; a name value equal to one of their
    names becomes ``mark``.

    ``who`` is the request itself or every identifier gathered for the person
    (:class:`~frontdesk.domain.trust.identifiers.PersonIds`). Phones match in any usual writing
    (``+86 138-0013-8000``, ``138 0013 8000``), confirmed with
    :func:`~frontdesk.domain.trust.retention.normalize_phone`; credential numbers and plates with
    spaces, dashes or a dot and in either case; names after trivial formatting, not inside a
    longer Latin word. A name inside Chinese text matches as a substring (张伟 in 张伟明 too), so
    name-only matches must be confirmed by the supervisor, as for register entries. ``matched``
    collects what matched.
    """
    ids = who if isinstance(who, PersonIds) else PersonIds.from_key(who)
    found: set[str] = set()
    pats: list[tuple[str, re.Pattern[str], Callable[[str], bool]]] = []
    for cred in sorted(ids.credentials):
        pats.append(("credential_number",
                     re.compile(rf"(?<![0-9A-Za-z]){_spaced(cred)}(?![0-9A-Za-z])", re.IGNORECASE),
                     _same(normalize_credential, cred)))
    for phone in sorted(ids.phones):
        pats.append(("phone", _phone_pattern(phone), _same(normalize_phone, phone)))
    for plate in sorted(ids.plates):
        body = r"[\s·\-]?".join(re.escape(c) for c in plate)
        pats.append(("plate", re.compile(rf"(?<![0-9A-Za-z]){body}(?![0-9A-Za-z])", re.IGNORECASE),
                     _same(normalize_plate, plate)))
    for person_name in sorted(ids.names, key=len, reverse=True):
        name_pat = name_pattern(person_name)
        if name_pat is not None:
            pats.append(("name", name_pat, _any))

    def rewrite(value: str) -> tuple[str, bool]:
        hit = False
        for what, pat, confirm in pats:
            def sub(m: re.Match[str], what: str = what,
                    confirm: Callable[[str], bool] = confirm) -> str:
                nonlocal hit
                if not confirm(m.group(0)):
                    return m.group(0)
                hit = True
                found.add(what)
                return mark
            value = pat.sub(sub, value)
        return value, hit

    def text(value: str) -> str:
        out, hit = rewrite(value)
        # Full-width digits and letters (１３８…) match only after NFKC folding; the folded
        # text is kept only when that finds more (folding also changes "，" to ",").
        folded = unicodedata.normalize("NFKC", out)
        if folded != out:
            again, more = rewrite(folded)
            if more:
                return again
        return out if hit else value

    def name(value: str) -> str:
        if normalize_name(value) in ids.names:
            found.add("name")
            return mark
        return value

    return Scrubber(text, name, found)


def texts_of(kind: str, payload: Mapping[str, Any]) -> list[str]:
    """Every free text of a record that an erasure searches (what :func:`scrub` rewrites)."""
    seen: list[str] = []

    def keep(value: str) -> str:
        seen.append(value)
        return value

    scrub(kind, payload, Scrubber(keep, keep))
    return seen


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _entry(p: dict[str, Any], s: Scrubber) -> None:
    data = p.get("data")
    if isinstance(data, Mapping):
        new_data = dict(data)
        for key in _DATA_TEXT:
            v = _str(new_data.get(key))
            if v is not None:
                new_data[key] = s.text(v)
        p["data"] = new_data
    else:
        data = {}
    text = _str(p.get("text"))
    if text is None:
        return
    kind = str(p.get("kind") or "")
    if kind in _KEEP_TEXT:
        return
    if kind in _REASON_SUFFIX:
        reason = (_str(data.get("reason")) or "").strip()
        if not reason:
            return  # generated text only
        if text.endswith(reason):
            p["text"] = text[: len(text) - len(reason)] + s.text(reason)
            return
    p["text"] = s.text(text)


def _account_line(line: object, s: Scrubber) -> object:
    if not isinstance(line, Mapping):
        return line
    text = _str(line.get("text"))
    if text is None:
        return dict(line)
    m = _STAMP.match(text)
    new = m.group(1) + s.text(m.group(2)) if m and m.group(2).strip() else s.text(text)
    return {**line, "text": new}


def _report(p: dict[str, Any], s: Scrubber) -> None:
    if isinstance(p.get("account"), list):
        p["account"] = [_account_line(x, s) for x in p["account"]]
    for key in ("conclusion", "suggestions", "returned_reason"):
        v = _str(p.get(key))
        if v is not None:
            p[key] = s.text(v)


def _items(value: object, key: str, rewrite: Rewrite) -> object:
    if not isinstance(value, list):
        return value
    out: list[object] = []
    for item in value:
        if isinstance(item, Mapping) and _str(item.get(key)) is not None:
            item = {**item, key: rewrite(item[key])}
        out.append(item)
    return out


def scrub(kind: str, payload: Mapping[str, Any], s: Scrubber) -> dict[str, Any]:
    """A copy of ``payload`` with the non-staff personal parts of ``kind`` rewritten by ``s``.

    Fields that are absent, ``None`` or empty stay as they are; nothing else changes (no flags
    are set: see :func:`purged_payload`). Raises ``ValueError`` for a kind with no rule.
    """
    p = dict(payload)
    if kind == INCIDENT:
        v = _str(p.get("summary"))
        if v is not None:
            p["summary"] = s.text(v)
    elif kind == ENTRY:
        _entry(p, s)
    elif kind == REPORT:
        _report(p, s)
    elif kind == HANDOVER:
        p["on_site"] = _items(p.get("on_site"), "name", s.name)
        p["incidents"] = _items(p.get("incidents"), "summary", s.text)
        for key in ("on_site", "incidents"):
            if key not in payload:
                del p[key]
    elif kind in (CALL, SKIP):
        key = "note" if kind == CALL else "reason"
        v = _str(p.get(key))
        if v is not None:
            p[key] = s.text(v)
    else:
        raise ValueError(f"no incident retention rule for record kind {kind!r}")
    return p


def purged_payload(kind: str, payload: Mapping[str, Any], s: Scrubber,
                   now_iso: str) -> dict[str, Any]:
    """:func:`scrub`, then flagged ``purged`` with ``purged_at`` (the first purge's instant)."""
    new = scrub(kind, payload, s)
    new[PURGED_FLAG] = True
    new[PURGED_AT] = payload.get(PURGED_AT) or now_iso
    return new


def needs_purge(kind: str, payload: Mapping[str, Any], mark: str) -> bool:
    """Whether the retention rewrite would change anything (False once purged: idempotent)."""
    return scrub(kind, payload, removal(mark)) != dict(payload)


def person_hits(kind: str, payload: Mapping[str, Any],
                key: PersonKey | PersonIds) -> tuple[str, ...]:
    """Which identifiers of the person occur in this record's non-staff personal parts."""
    s = person_redactor(key, "\x00")
    scrub(kind, payload, s)
    return tuple(sorted(s.matched))
