"""Contact list and policy document use cases: edit, CSV exchange, policy edits, the check."""
from __future__ import annotations

import json
import os
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontdesk.domain.escalation.contacts import (
    Contact,
    CsvError,
    contacts_from_csv,
    contacts_to_csv,
    csv_template,
)
from frontdesk.domain.escalation.check import PolicyWarning, check_policies
from frontdesk.domain.escalation.policy import (
    PolicyError,
    load_policy_file,
    validate_policy_doc,
)
from frontdesk.domain.sitetime import to_local
from frontdesk.paths import shipped_data_dir
from frontdesk.services.changes import changes_data
from frontdesk.storage import contacts as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


@dataclass(frozen=True)
class CsvPreview:
    """What an import would do: the good rows, every error, and how many are new."""

    contacts: list[Contact]
    errors: list[CsvError]
    new: int
    changed: int

    @property
    def ok(self) -> bool:
        """True when the file has no error (only then may it be written)."""
        return not self.errors


def load_policy_doc_for(ctx: AppContext) -> dict[str, Any]:
    """The policy document in force: the site's file when present and valid, else shipped
    (the site file's mistakes are shown by :func:`frontdesk.services.site_files.problems`)."""
    return load_policy_file(shipped_data_dir() / "escalation_policies.json",
                            ctx.paths.site_policies_file)[0]


class ContactService:
    """Contacts (synced records) and the site's escalation policy file."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.start_warnings: list[PolicyWarning] = []

    # -- contacts -------------------------------------------------------------------------
    def all(self) -> list[Contact]:
        """Every contact, by role then name."""
        return repo.all_contacts(self.ctx.require_db().read())

    def get(self, contact_id: str) -> Contact | None:
        """One contact."""
        return repo.get(self.ctx.require_db().read(), contact_id)

    def _payload(self, contact: Contact, by: str) -> dict[str, Any]:
        return {**repo.to_payload(contact), "edited_by": by or self.ctx.session.user,
                "edited_at": self.ctx.clock.now().isoformat()}

    @changes_data
    def save(self, contact: Contact, by: str = "") -> Contact:
        """Add or change a contact (a new id when it has none)."""
        if not contact.id:
            contact = replace(contact, id=str(uuid.uuid4()))
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.KIND, contact.id, self._payload(contact, by),
                          self.ctx.clock.now())
        return contact

    @changes_data
    def delete(self, contact_id: str, by: str = "") -> None:
        """Delete a contact (a tombstone version, so the deletion syncs)."""
        found = self.get(contact_id)
        if found is None:
            return
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.KIND, contact_id, self._payload(found, by),
                          self.ctx.clock.now(), deleted=True)

    # -- CSV ------------------------------------------------------------------------------
    def preview_csv(self, text: str) -> CsvPreview:
        """Read a CSV without writing anything."""
        found, errors = contacts_from_csv(text)
        known = {c.id: c for c in self.all()}
        new = sum(1 for c in found if c.id not in known)
        changed = sum(1 for c in found if c.id in known and known[c.id] != c)
        return CsvPreview(found, errors, new, changed)

    @changes_data
    def import_csv(self, text: str, by: str = "") -> CsvPreview:
        """Write every row of a CSV in one transaction; nothing at all if any row is wrong."""
        preview = self.preview_csv(text)
        if not preview.ok:
            return preview
        known = {c.id: c for c in self.all()}
        with self.ctx.require_db().write() as conn:
            for c in preview.contacts:
                if known.get(c.id) != c:
                    records.write(conn, repo.KIND, c.id, self._payload(c, by),
                                  self.ctx.clock.now())
        return preview

    def export_csv(self) -> str:
        """Every contact as CSV text."""
        return contacts_to_csv(self.all())

    @changes_data
    def write_csv(self, path: str | os.PathLike[str] | None, who: str = "",
                  force: bool = False) -> int:
        """Write every contact as CSV to ``path`` (UTF-8 with BOM), or to standard output when
        ``path`` is ``None``, and record the export in the audit trail (a file is removed if the
        event cannot be stored); return the row count. The database, anything not a regular
        file and an existing file unless ``force`` are refused
        (:class:`~frontdesk.export.target.TargetError`); :class:`~frontdesk.export.ExportError`
        when the file cannot be written (an old file stays as it was)."""
        import hashlib
        import sys

        from frontdesk.domain.trust.audit import detail
        from frontdesk.services.trust.audit import record_export

        contacts = self.all()
        text = contacts_to_csv(contacts)
        facts = ("format.csv", detail("rows", len(contacts)))
        if path is None:
            sys.stdout.write(text)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            record_export(self.ctx, "contacts", "all", None, facts, sha256=digest, who=who)
        else:
            from frontdesk.export.sheet import atomic_output
            from frontdesk.export.target import check_target, protected_paths

            target = check_target(path, protected=protected_paths(self.ctx.require_db().path),
                                  force=force)
            with atomic_output(target, overwrite=force) as tmp:
                tmp.write_text(text, encoding="utf-8-sig", newline="")
            record_export(self.ctx, "contacts", "all", target, facts, who=who)
        return len(contacts)

    @staticmethod
    def template() -> str:
        """The CSV template with one example row."""
        return csv_template()

    # -- policies -------------------------------------------------------------------------
    def policy_doc(self) -> dict[str, Any]:
        """The policy document in force."""
        return load_policy_doc_for(self.ctx)

    @changes_data
    def save_policy_doc(self, doc: dict[str, Any]) -> None:
        """Validate and write the site's policy file atomically; raises PolicyError."""
        problems = validate_policy_doc(doc)
        if problems:
            raise PolicyError(problems)
        target: Path = self.ctx.paths.site_policies_file
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".policies-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)

    def warnings(self) -> list[PolicyWarning]:
        """The policy check against the contact list at the site's time now, one per problem."""
        site = self.ctx.require_site()
        now_local = to_local(self.ctx.clock.now(), site.timezone)
        try:
            found = check_policies(self.policy_doc(), self.all(), now_local)
        except PolicyError:
            return []
        # The same unfilled role shows up in every kind and level: one warning per problem.
        unique: dict[tuple[str, str | None, str | None], PolicyWarning] = {}
        for w in found:
            unique.setdefault((w.code.value, w.role, w.contact_id), w)
        return list(unique.values())


def start_check(ctx: AppContext) -> None:
    """Run the policy check as the store opens and keep what it found for the app.

    Runs on the store-opening worker. The app says it (:func:`take_start_warnings`) once
    somebody has signed in, so it never covers the sign-in or first-start dialog. Nothing is
    kept while no contact is listed at all (a new install); the contacts screen lists the
    warnings then.
    """
    svc = ctx.service("contacts", ContactService)
    if not svc.all():
        svc.start_warnings = []
        return
    svc.start_warnings = svc.warnings()


def take_start_warnings(ctx: AppContext) -> str:
    """What the start-up check found, in words of the current language ("" if nothing), once."""
    svc = ctx.service("contacts", ContactService)
    found, svc.start_warnings = svc.start_warnings, []
    return warnings_in_words(found)


def warnings_in_words(warnings: list[PolicyWarning]) -> str:
    """A few plain sentences: who cannot be called and why, never kind/level/step ids."""
    from frontdesk.domain.escalation.contacts import role_names
    from frontdesk.i18n import language, t

    if not warnings:
        return ""
    zh = language() == "zh"
    sentences: list[str] = []
    for w in warnings:
        who = ""
        if w.role:
            names = role_names(w.role)
            who = names[0] if zh else names[1]
        sentence = t(f"start.warn.{w.code.value}", who=who or t("start.warn.someone"))
        if sentence not in sentences:
            sentences.append(sentence)
    shown = sentences[:3]
    more = len(sentences) - len(shown)
    lines = [t("start.warn.title", n=len(sentences)), *(f"· {s}" for s in shown)]
    if more:
        lines.append(t("start.warn.more", n=more))
    lines.append(t("start.warn.where"))
    return "\n".join(lines)

