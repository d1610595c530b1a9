"""The register's use cases: log an entry, edit it with history, sign out, find people."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from frontdesk.domain.register import validation
from frontdesk.domain.ids import time_ordered_id
from frontdesk.domain.sitetime import full_time, parse_typed
from frontdesk.domain.register.visits import TEXT_FIELDS, CredentialType, Visit, VisitKind, to_payload
from frontdesk.services.changes import changes_data
from frontdesk.storage import records
from frontdesk.storage import visits as repo

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


@dataclass
class VisitForm:
    """What the entry form holds: text exactly as typed, plus the two choices."""

    kind: VisitKind = VisitKind.VISITOR
    credential_type: CredentialType = CredentialType.NONE
    values: dict[str, str] = field(default_factory=dict)
    time_in: str = ""
    time_out: str = ""
    party_size: str = "1"
    # Script readings (``script_use`` ids) made before this entry existed, attached to it when
    # it is saved: the journalist script read at the gate, then "start the entry" from its card.
    readings: tuple[str, ...] = ()

    # A form being typed is kept as a draft (to offer it back after a crash): these two are
    # the whole of what a draft store needs; the form is rebuilt with VisitFormScreen(form=...).
    def to_json(self) -> dict[str, object]:
        """Everything typed, as plain JSON values."""
        return {"kind": self.kind.value, "credential_type": self.credential_type.value,
                "values": dict(self.values), "time_in": self.time_in, "time_out": self.time_out,
                "party_size": self.party_size, "readings": list(self.readings)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> VisitForm:
        """A form from :meth:`to_json`'s output (unknown kinds fall back to the defaults)."""
        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        try:
            kind = VisitKind(text("kind"))
        except ValueError:
            kind = VisitKind.VISITOR
        try:
            ctype = CredentialType(text("credential_type"))
        except ValueError:
            ctype = CredentialType.NONE
        raw = data.get("values")
        values = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)} \
            if isinstance(raw, dict) else {}
        readings = data.get("readings")
        return cls(kind=kind, credential_type=ctype, values=values, time_in=text("time_in"),
                   time_out=text("time_out"), party_size=text("party_size") or "1",
                   readings=tuple(r for r in readings if isinstance(r, str))
                   if isinstance(readings, list) else ())


class FormInvalid(Exception):
    """The form has errors; ``check`` says which fields and why. Nothing was saved."""

    def __init__(self, check: validation.Check) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in check.errors.items()))
        self.check = check


@dataclass(frozen=True)
class Checked:
    """A validated form, ready to save."""

    check: validation.Check
    time_in: datetime | None
    time_out: datetime | None
    party_size: int


class RegisterService:
    """Register use cases on one context's database and clock."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- checking -------------------------------------------------------------------------
    def check(self, form: VisitForm) -> Checked:
        """Validate and normalise a form (errors and warnings by field)."""
        site = self.ctx.require_site()
        now = self.ctx.clock.now()
        values = {k: form.values.get(k, "") for k in TEXT_FIELDS}
        chk = validation.check_visit(form.kind, values, form.credential_type)
        time_in = now if not form.time_in.strip() else parse_typed(form.time_in, now, site.timezone)
        if time_in is None:
            chk.errors["time_in"] = "time_unreadable"
        time_out = None
        if form.time_out.strip():
            time_out = parse_typed(form.time_out, now, site.timezone)
            if time_out is None:
                chk.errors["time_out"] = "time_unreadable"
            elif time_in is not None and time_out < time_in:
                chk.errors["time_out"] = "time_order"
        size, err = validation.parse_party_size(form.party_size)
        if err:
            chk.errors["party_size"] = err
        return Checked(chk, time_in, time_out, size)

    # -- writing --------------------------------------------------------------------------
    def _payload(self, visit: Visit, by: str) -> dict[str, object]:
        return to_payload(visit) | {
            "edited_by": by,
            "edited_at": self.ctx.clock.now().isoformat(),
        }

    @changes_data
    def add(self, form: VisitForm, by: str = "") -> Visit:
        """Save a new entry; raise :class:`FormInvalid` (saving nothing) on errors."""
        checked = self.check(form)
        if not checked.check.ok or checked.time_in is None:
            raise FormInvalid(checked.check)
        site = self.ctx.require_site()
        v = checked.check.values
        visit = Visit(
            id=time_ordered_id(self.ctx.clock.now()), site=site.id, kind=form.kind, time_in=checked.time_in,
            time_out=checked.time_out, credential_type=form.credential_type,
            party_size=checked.party_size, **{k: v.get(k, "") for k in TEXT_FIELDS},
        )
        if not visit.guard:
            visit = visit.with_changes(guard=by)
        db = self.ctx.require_db()
        with db.write() as conn:
            records.write(conn, repo.KIND, visit.id, self._payload(visit, by), self.ctx.clock.now())
            if form.readings:
                from frontdesk.storage import script_uses

                script_uses.attach(conn, form.readings, visit.id, by, self.ctx.clock.now())
        return visit

    @changes_data
    def update(self, visit_id: str, form: VisitForm, by: str = "") -> Visit:
        """Save an edit as a new version (the old one stays in the history)."""
        checked = self.check(form)
        old = self.get(visit_id)
        if old is None:
            raise KeyError(visit_id)
        if not checked.check.ok or checked.time_in is None:
            raise FormInvalid(checked.check)
        v = checked.check.values
        visit = old.with_changes(
            kind=form.kind, credential_type=form.credential_type, time_in=checked.time_in,
            time_out=checked.time_out, party_size=checked.party_size,
            **{k: v.get(k, "") for k in TEXT_FIELDS},
        )
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.KIND, visit.id, self._payload(visit, by), self.ctx.clock.now())
        return visit

    @changes_data
    def sign_out(self, visit_id: str, by: str = "", at: datetime | None = None) -> Visit:
        """Record the time out (now by default). Signing out twice keeps the first time."""
        old = self.get(visit_id)
        if old is None:
            raise KeyError(visit_id)
        if old.time_out is not None:
            return old
        visit = old.with_changes(time_out=at or self.ctx.clock.now())
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.KIND, visit.id, self._payload(visit, by), self.ctx.clock.now())
        return visit

    @changes_data
    def link_incident(self, visit_id: str, incident_id: str, by: str = "") -> Visit:
        """Link an entry to the incident opened from it."""
        old = self.get(visit_id)
        if old is None:
            raise KeyError(visit_id)
        visit = old.with_changes(incident_id=incident_id)
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.KIND, visit.id, self._payload(visit, by), self.ctx.clock.now())
        return visit

    # -- reading --------------------------------------------------------------------------
    def get(self, visit_id: str) -> Visit | None:
        """One entry."""
        return repo.get(self.ctx.require_db().read(), visit_id)

    def today(self, on_site_only: bool = False) -> list[Visit]:
        """Today's entries (site day) and anybody from earlier days still on site, newest first.

        With ``on_site_only``, only the people not yet signed out (any day).
        """
        site = self.ctx.require_site()
        conn = self.ctx.require_db().read()
        stayers = repo.list_on_site(conn)
        if on_site_only:
            return stayers
        start, end = site.day_bounds(self.ctx.clock.now())
        todays = repo.list_between(conn, start, end)
        ids = {v.id for v in todays}
        merged = todays + [v for v in stayers if v.id not in ids]
        return sorted(merged, key=lambda v: v.time_in, reverse=True)

    def between(self, start: datetime, end: datetime) -> list[Visit]:
        """Entries with time in in [start, end)."""
        return repo.list_between(self.ctx.require_db().read(), start, end)

    def search(self, query: str, on_site_only: bool = False, limit: int = 100) -> list[Visit]:
        """Entries of any day matching what was typed, newest first.

        Beside the prefix keys (name, pinyin, outlet, a phone's first digits or last four, plate,
        credential number): digits from the middle of a phone number, an ID's last four, and a
        kind's word in either language ("记者", "journalist"), among the newest entries.
        """
        from frontdesk.domain.register.search import digits_query, id_tail_query, kinds_named
        from frontdesk.storage import register_scan

        conn = self.ctx.require_db().read()
        found = repo.search(conn, query, limit, on_site_only)
        digits, tail = digits_query(query), id_tail_query(query)
        kinds = kinds_named(query, _kind_words())
        if len(digits) >= 4 or tail or kinds:
            more = register_scan.recent_matching(
                conn, phone_digits=digits if len(digits) >= 4 else "", id_tail=tail,
                kinds=kinds, on_site_only=on_site_only, limit=limit)
            seen = {v.id for v in found}
            found += [v for v in more if v.id not in seen]
            found.sort(key=lambda v: v.time_in, reverse=True)
        return found[:limit]

    def resolve_id(self, prefix: str) -> str:
        """The one entry id that is ``prefix`` or starts with it.

        Raises :class:`KeyError` when none does, :class:`LookupError` (not a KeyError) when
        several do (the message lists two of them).
        """
        from frontdesk.storage import register_scan

        prefix = prefix.strip()
        conn = self.ctx.require_db().read()
        if prefix and repo.get(conn, prefix) is not None:
            return prefix
        found = register_scan.ids_starting(conn, prefix, limit=2)
        if not found:
            raise KeyError(prefix)
        if len(found) > 1:
            raise LookupError(", ".join(found))
        return found[0]

    def people_on_site(self) -> int:
        """How many people are on site now (every party counted by its size)."""
        return sum(v.party_size for v in repo.list_on_site(self.ctx.require_db().read()))

    def on_site_matching(self, form: VisitForm) -> Visit | None:
        """Somebody on site now who looks like the person on ``form``: the same phone, the
        same credential number, or the same name with the same outlet. None if nobody."""
        from frontdesk.domain.register.validation import normalize_id, normalize_phone

        values = form.values
        name = values.get("name", "").strip()
        org = values.get("organisation", "").strip()
        phone, err = normalize_phone(values.get("phone", ""))
        phone = "" if err else phone
        cred = normalize_id(values.get("credential_number", ""))
        if not (phone or cred or (name and org)):
            return None
        for v in repo.list_on_site(self.ctx.require_db().read()):
            if phone and v.phone == phone:
                return v
            if cred and normalize_id(v.credential_number) == cred:
                return v
            if name and org and v.name == name and v.organisation == org:
                return v
        return None

    def suggestions(self, query: str, limit: int = 5) -> list[Visit]:
        """Earlier visits of people matching ``query``, one per person (latest first)."""
        if len(query.strip()) < 2:
            return []
        seen: set[tuple[str, str]] = set()
        out: list[Visit] = []
        for v in self.search(query, limit=60):
            key = (v.name, v.phone)
            if key in seen or not (v.name or v.phone):
                continue
            seen.add(key)
            out.append(v)
            if len(out) >= limit:
                break
        return out

    def history(self, visit_id: str) -> list[repo.HistoryEntry]:
        """Who changed what, when."""
        return repo.history(self.ctx.require_db().read(), visit_id)

    def form_for(self, visit: Visit) -> VisitForm:
        """A form filled from an existing entry (for editing)."""
        tz = self.ctx.require_site().timezone
        values = {k: str(getattr(visit, k) or "") for k in TEXT_FIELDS}
        return VisitForm(
            kind=visit.kind, credential_type=visit.credential_type, values=values,
            time_in=full_time(visit.time_in, tz),
            time_out=full_time(visit.time_out, tz) if visit.time_out else "",
            party_size=str(visit.party_size),
        )

    def form_from_returning(self, visit: Visit, kind: VisitKind | None = None) -> VisitForm:
        """A new-entry form filled with a returning person's known details."""
        keep = ("name", "organisation", "phone", "credential_number", "plate")
        return VisitForm(
            kind=kind or visit.kind, credential_type=visit.credential_type,
            values={k: str(getattr(visit, k) or "") for k in keep},
        )


def _kind_words() -> dict[VisitKind, tuple[str, ...]]:
    """Every word for each kind, in both languages (full and short), for search."""
    from frontdesk.i18n import catalog

    strings = catalog()
    return {k: tuple(w for key in (f"kind.{k.value}", f"kind.short.{k.value}")
                     for w in strings.get(key, ()))
            for k in VisitKind}


def kind_in_sentence(kind: VisitKind) -> str:
    """The kind's word as it reads inside a sentence ("a visitor must be named")."""
    from frontdesk.i18n import t

    word = t(f"kind.{kind.value}")
    return word if word.isupper() or not word.isascii() else word[:1].lower() + word[1:]
