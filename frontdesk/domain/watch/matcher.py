"""Matching what a guard types against the watch list, keystroke by keystroke.

Scoring
-------
Each field that matches adds *bits of evidence*: ``log2(1 / p)``, ``p`` being the chance that an
unrelated visitor agrees with the watched person on that field. The score is the sum over the
matched fields divided by :data:`SCALE_BITS` (32), capped at 1; an entry *alarms* when its score
reaches the threshold (:data:`DEFAULT_THRESHOLD`, 0.7 = 22.4 bits: all the matched fields
together are shared by about one unrelated person in five million). The bits:

=============================  =====  ======================================================
field                          bits   why
=============================  =====  ======================================================
whole ID number (keyed hash)   40     one person; alarms alone
phone (whole, E.164)           30     one subscriber; alarms alone
plate (whole)                  28     one vehicle; alarms alone
plate without its province     18     ~31 provinces share it; needs a second field
name, same characters          12-26  from how common the name is (:mod:`.rarity`): 张伟
                                      12.3, 张建华 14.4, a rare name 23 and more
name, same pinyin (typed)      ≤ the  the pinyin is shared by homophones (张伟, 章伟, 张威
                               above  are all ``zhang wei``), so it is rated at that level
name, other characters of the  pinyin 韩英如 typed for 韩鹰如: the characters say it may be
same reading (homophone)       - 4    somebody else
name, typed pinyin one letter  pinyin a handful of real names lie one letter away; only
off (typo)                     - 3    for names of three characters or more
name, initials                 7-18   ``zw``: thousands of names share them
outlet / employer              11     one organisation among a site's visitors; 5.5 for the
                                      delivery and courier platforms (~2 % of visitors each)
ID last four                   13     only beside a name match (alone it never alarms)
=============================  =====  ======================================================

Only the best name match of an entry counts (the name and its aliases are alternatives, not
extra evidence). A name that is the only thing matching must clear the threshold by
:data:`NAME_ALONE_MARGIN` (2 bits), for the frequency tables' error.

What follows, at the default threshold: a name alone alarms only when it is rare (24.4 bits and
more, fewer than about 70 people in China: never a two-character name with a common surname,
never 张伟, nor most three-character names); a common name needs a second field (张伟 with his
outlet: 12.3 + 11 = 23.3; with his ID's last four: 25.3); initials need two more fields; a phone,
a plate or a whole ID number alarms alone; an outlet alone, a surname, or a last four alone never
does. ``bench/bench_watch.py`` measures recall and false alarms on generated people
(BENCHMARKS.md, "Watch list").

Partial input
-------------
Matching is exact look-ups of normalised keys (:mod:`.normalize`), so a half-typed value matches
nothing: a phone gives a key only once it is a whole valid number, a plate once it has seven
characters (six without the province), a name once it has two characters or four pinyin letters,
a typo once the typed pinyin has seven letters; an outlet must be whole. While the guard types
``张`` or ``zh`` or ``138`` nothing can alarm, and a prefix that is itself somebody's name
(``张晓`` on the way to 张晓明) alarms only if that name is rare enough to alarm anyway.

Speed
-----
:class:`WatchIndex` is built once from the active entries (inverted indexes from key to entries;
typos by the symmetric-deletion method: every pinyin with one letter removed), so a keystroke
costs a handful of dictionary look-ups whatever the list's length.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from frontdesk.domain.watch.model import WatchEntry, id_hash, is_active, key_id
from frontdesk.domain.watch.normalize import (
    NameForms,
    id_query,
    name_forms,
    name_query,
    org_key,
    phone_key,
    plate_keys,
)
from frontdesk.domain.watch.rarity import NameBits, chinese_name_bits, latin_name_bits

DEFAULT_THRESHOLD = 0.7
"""Score at which an entry alarms (chosen from bench/bench_watch.py; see BENCHMARKS.md)."""
SCALE_BITS = 32.0
ID_HASH_BITS = 40.0
PHONE_BITS = 30.0
PLATE_BITS = 28.0
PLATE_SHORT_BITS = 18.0
ORG_BITS = 11.0
COMMON_ORG_BITS = 5.5
ID_LAST4_BITS = 13.0
MIN_FUZZY = 7
"""Pinyin letters a typed name needs before a one-letter typo is matched."""
NAME_ALONE_MARGIN = 2.0
"""Bits a name must clear the threshold by when nothing else matches: the frequency tables are
good to a factor of about four, and no other field backs the name up."""

_COMMON_ORGS = (
    "顺丰速运", "顺丰", "美团", "美团外卖", "饿了么", "京东", "京东物流", "中通快递", "中通",
    "圆通速递", "圆通", "申通快递", "申通", "韵达快递", "韵达", "中国邮政", "邮政", "EMS",
    "极兔速递", "极兔", "德邦快递", "德邦", "菜鸟", "闪送", "滴滴", "达达", "货拉拉",
)


@lru_cache(maxsize=1)
def _common_org_keys() -> frozenset[str]:
    return frozenset(k for k in (org_key(o) for o in _COMMON_ORGS) if k)


@dataclass(frozen=True)
class WatchQuery:
    """What the entry form holds: the fields matched against the watch list."""

    name: str = ""
    phone: str = ""
    plate: str = ""
    organisation: str = ""
    id_number: str = ""
    """A whole resident ID number, or just its last four."""

    @classmethod
    def from_visit_values(cls, values: Mapping[str, str], credential_type: str) -> WatchQuery:
        """The query for a register form's values (see :mod:`frontdesk.domain.register.visits`).

        The credential number counts as an ID number for a resident ID, or for any credential
        whose number is four characters or a whole 18-character number.
        """
        number = values.get("credential_number", "") or ""
        compact = "".join(number.split())
        is_id = credential_type == "resident_id" or len(compact) in (4, 18)
        return cls(
            name=values.get("name", "") or "",
            phone=values.get("phone", "") or "",
            plate=values.get("plate", "") or "",
            organisation=values.get("organisation", "") or "",
            id_number=number if is_id else "",
        )


@dataclass(frozen=True)
class MatchReason:
    """Why one field matched: the form field, a code the UI translates, what matched, bits.

    Codes: ``name_exact``, ``name_pinyin``, ``name_homophone``, ``name_typo``,
    ``name_initials``, ``phone``,
    ``plate``, ``plate_no_province``, ``organisation``, ``id_full``, ``id_last4``. ``detail``
    comes from the watch entry (untrusted text: show it through ``frontdesk.text``).
    """

    field: str
    code: str
    detail: str
    bits: float


@dataclass(frozen=True)
class WatchHit:
    """One watch entry that the form's values match, with the reasons and the score in [0, 1]."""

    entry: WatchEntry
    score: float
    reasons: tuple[MatchReason, ...]

    @property
    def entry_id(self) -> str:
        """The watch entry's id."""
        return self.entry.id

    @property
    def fields(self) -> tuple[str, ...]:
        """The form fields that matched, in the order of the reasons."""
        return tuple(dict.fromkeys(r.field for r in self.reasons))


@dataclass(frozen=True)
class _NameRef:
    entry: int
    forms: NameForms
    bits: NameBits


@dataclass
class _Found:
    slots: dict[str, MatchReason] = field(default_factory=dict)

    def offer(self, slot: str, reason: MatchReason) -> None:
        old = self.slots.get(slot)
        if old is None or reason.bits > old.bits:
            self.slots[slot] = reason


def _typo_worthy(forms: NameForms) -> bool:
    """Whether typos of this name are matched: a Chinese name of three characters or more, or
    a Latin-script name of eight letters or more (a typo of 张伟 is too many other people)."""
    if forms.han is not None:
        return len(forms.han) >= 3
    return len(forms.canonical) >= 8


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap
    of two neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1]
    return (a[i + 1:] == b[i:]) if la > lb else (a[i:] == b[i + 1:])


class WatchIndex:
    """The active watch entries, indexed for per-keystroke matching.

    Build it once (when the entry form opens or the list changes) and call :meth:`match` on
    every keystroke. ``secret`` is the site's ID key: a whole ID number typed on the form is
    compared with entries hashed with the same key (:func:`frontdesk.domain.watch.model.key_id`).
    """

    def __init__(
        self,
        entries: Iterable[WatchEntry],
        now: datetime | date,
        *,
        secret: bytes | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.threshold = threshold
        self._secret = secret
        self._key_id = key_id(secret) if secret is not None else None
        self.entries: list[WatchEntry] = [e for e in entries if is_active(e, now)]
        self._names: list[_NameRef] = []
        self._han: dict[str, list[int]] = defaultdict(list)
        self._pinyin: dict[str, list[int]] = defaultdict(list)
        self._canonical: dict[str, list[int]] = defaultdict(list)
        self._initials: dict[str, list[int]] = defaultdict(list)
        self._deleted: dict[str, list[int]] = defaultdict(list)
        self._phone: dict[str, list[int]] = defaultdict(list)
        self._plate: dict[str, list[int]] = defaultdict(list)
        self._plate_short: dict[str, list[int]] = defaultdict(list)
        self._org: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._last4: dict[str, list[int]] = defaultdict(list)
        self._hash: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.entries):
            self._add(i, entry)

    def __len__(self) -> int:
        return len(self.entries)

    def _add(self, i: int, entry: WatchEntry) -> None:
        for name in dict.fromkeys(entry.names):
            forms = name_forms(name)
            if forms is None:
                continue
            if forms.han is not None:
                nb = chinese_name_bits(forms.surname, forms.given)
            else:
                nb = latin_name_bits(forms.latin_tokens)
            ref = len(self._names)
            self._names.append(_NameRef(i, forms, nb))
            if forms.han is not None:
                self._han[forms.han].append(ref)
            for key in forms.pinyin:
                self._pinyin[key].append(ref)
            for key in forms.initials:
                self._initials[key].append(ref)
            if _typo_worthy(forms):
                self._canonical[forms.canonical].append(ref)
                for key in _deletions(forms.canonical):
                    self._deleted[key].append(ref)
        for phone in dict.fromkeys(entry.phones):
            e164 = phone_key(phone)
            if e164:
                self._phone[e164].append(i)
        for plate in dict.fromkeys(entry.plates):
            full, short = plate_keys(plate)
            if full:
                self._plate[full].append(i)
            if short:
                self._plate_short[short].append(i)
        for org in dict.fromkeys(entry.orgs):
            okey = org_key(org)
            if okey:
                self._org[okey].append((i, org))
        if entry.id_last4:
            self._last4[entry.id_last4.upper()].append(i)
        if entry.id_hash and entry.id_hash_key and entry.id_hash_key == self._key_id:
            self._hash[entry.id_hash].append(i)

    def match(self, query: WatchQuery) -> list[WatchHit]:
        """The entries that alarm for ``query`` (score at or above the threshold), best first."""
        return [h for h in self.evidence(query) if h.score >= self.threshold]

    def evidence(self, query: WatchQuery) -> list[WatchHit]:
        """Every entry that anything in ``query`` matches, scored, best first (below the
        threshold too: for tuning and for "near" hints)."""
        found: dict[int, _Found] = defaultdict(_Found)
        if query.name.strip():
            self._match_name(query.name, found)
        if query.phone.strip():
            key = phone_key(query.phone)
            for i in self._phone.get(key or "", ()):
                found[i].offer("phone", MatchReason("phone", "phone", key or "", PHONE_BITS))
        if query.plate.strip():
            full, short = plate_keys(query.plate)
            for i in self._plate.get(full or "", ()):
                found[i].offer("plate", MatchReason("plate", "plate", full or "", PLATE_BITS))
            for i in self._plate_short.get(short or "", ()):
                found[i].offer("plate", MatchReason(
                    "plate", "plate_no_province", short or "", PLATE_SHORT_BITS))
        if query.organisation.strip():
            okey = org_key(query.organisation)
            bits = COMMON_ORG_BITS if okey in _common_org_keys() else ORG_BITS
            for i, org in self._org.get(okey or "", ()):
                found[i].offer("org", MatchReason("organisation", "organisation", org, bits))
        last4: str | None = None
        if query.id_number.strip():
            idq = id_query(query.id_number)
            last4 = idq.last4
            if idq.full and self._secret is not None:
                digest = id_hash(idq.full, self._secret)
                for i in self._hash.get(digest, ()):
                    found[i].offer("id", MatchReason(
                        "id_number", "id_full", "*" * 14 + idq.full[-4:], ID_HASH_BITS))
        if last4:
            # The last four counts only beside a name match: alone it never alarms.
            for i in self._last4.get(last4, ()):
                if i in found and "name" in found[i].slots and "id" not in found[i].slots:
                    found[i].offer("id", MatchReason("id_number", "id_last4", last4,
                                                     ID_LAST4_BITS))
        hits = []
        for i, f in found.items():
            reasons = tuple(sorted(f.slots.values(), key=lambda r: -r.bits))
            total = sum(r.bits for r in reasons)
            if len(reasons) == 1 and reasons[0].field == "name":
                total -= NAME_ALONE_MARGIN
            hits.append(WatchHit(self.entries[i], min(1.0, total / SCALE_BITS), reasons))
        hits.sort(key=lambda h: (-h.score, h.entry.id))
        return hits

    def _match_name(self, raw: str, found: dict[int, _Found]) -> None:
        q = name_query(raw)

        def offer(refs: Iterable[int], code: str, level: Callable[[NameBits], float]) -> None:
            for ref in refs:
                r = self._names[ref]
                bits = level(r.bits)
                detail = r.forms.han if code == "name_exact" and r.forms.han else r.forms.display
                if code == "name_initials":
                    detail = q.initials or ""
                found[r.entry].offer("name", MatchReason("name", code, detail, bits))

        if q.han:
            offer(self._han.get(q.han, ()), "name_exact", lambda b: b.han)
        if q.pinyin and q.han:
            # Other characters with the same reading: a homophone, maybe somebody else.
            offer(self._pinyin.get(q.pinyin, ()), "name_homophone", lambda b: b.homophone)
        elif q.pinyin:
            offer(self._pinyin.get(q.pinyin, ()), "name_pinyin", lambda b: b.pinyin)
            # Typos are letters: only typed pinyin can have one (characters are picked whole).
            if len(q.pinyin) >= MIN_FUZZY:
                offer(self._typo_refs(q.pinyin), "name_typo", lambda b: b.fuzzy)
        if q.initials:
            offer(self._initials.get(q.initials, ()), "name_initials", lambda b: b.initials)

    def _typo_refs(self, key: str) -> set[int]:
        """Names whose canonical pinyin is exactly one edit away from ``key``."""
        candidates: set[int] = set(self._deleted.get(key, ()))
        for d in _deletions(key):
            candidates.update(self._canonical.get(d, ()))
            candidates.update(self._deleted.get(d, ()))
        return {
            ref for ref in candidates
            if self._names[ref].forms.canonical != key
            and within_one_edit(self._names[ref].forms.canonical, key)
        }
