"""Records in conflict, as people see them: which site made each version and when (site time),
what differs; and a supervisor keeping one version, from the app or the command line.

A conflict is a record with more than one head (DESIGN.md, "Identity and sync"). Versions are
never shown by their ids or clock stamps: each is "the site that made it · the local time it
was made", the site named as this database knows it (its own name, or the name a peer's bundle
carried); a site it has never exchanged bundles with directly is "another site".
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from frontdesk.domain.sync.versioning import Version, parse_hlc
from frontdesk.domain.trust.retention import SALT

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

#: Payload fields that are bookkeeping, never shown side by side.
HIDDEN = frozenset({"site", "purged", SALT})
#: Who and when: always shown, since they say whose version is whose.
WHO_WHEN = ("edited_by", "edited_at")
#: Fields that name a record for a person, in order of preference.
TITLE_FIELDS = ("name", "title", "summary", "place", "plate", "organisation", "situation_id",
                "role", "reason", "note", "text")


class ConflictError(Exception):
    """A resolution that cannot be done; ``code``: ``not_found``, ``ambiguous``, ``not_a_version``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VersionView:
    """One head of a record in conflict."""

    version_id: str
    site_id: str
    site_name: str | None  # None: a site this one never exchanged bundles with directly
    at: datetime  # when it was made, in this site's time zone
    deleted: bool
    payload: Mapping[str, Any]

    def label(self, other_site: str) -> str:
        """``北门 · 2026-11-22 10:05`` (``other_site`` names an unknown site)."""
        return f"{self.site_name or other_site} · {self.at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class ConflictView:
    """A record in conflict: its heads (the one shown now first) and the fields that differ."""

    kind: str
    record_id: str
    title: str
    versions: list[VersionView]
    fields: list[str]  # differing fields, then who and when

    def to_json(self) -> dict[str, Any]:
        """Stable JSON fields (see docs/cli.md, ``frontdesk conflicts list``)."""
        return {"kind": self.kind, "id": self.record_id, "title": self.title,
                "versions": [{"version": v.version_id, "site": v.site_name,
                              "site_id": v.site_id, "made_at": v.at.isoformat(),
                              "deleted": v.deleted,
                              "fields": {k: v.payload.get(k) for k in self.fields}}
                             for v in self.versions]}


def site_names(ctx: AppContext) -> dict[str, str]:
    """Site id -> name for this site and every peer it exchanged bundles with (named ones)."""
    from frontdesk.services.sync import sync_service

    names = {str(p["site_id"]): str(p.get("name") or "") for p in sync_service(ctx).peers()}
    site = ctx.require_site()
    names[site.id] = site.name
    return {k: v for k, v in names.items() if v}


def made_at(version: Version, zone: ZoneInfo) -> datetime:
    """When a version was made (its stamp's wall time), in ``zone``."""
    ms = parse_hlc(version.hlc)[0]
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(zone)


def view(kind: str, record_id: str, heads: list[Version], names: Mapping[str, str],
         zone: ZoneInfo) -> ConflictView:
    """How a conflict is shown (pure: the heads, the known site names, the site's zone)."""
    versions = [VersionView(h.version_id, h.origin, names.get(h.origin), made_at(h, zone),
                            h.deleted, h.payload) for h in heads]
    keys: list[str] = []
    for h in heads:
        keys += [k for k in h.payload if k not in keys and k not in HIDDEN]
    differing = [k for k in keys if k not in WHO_WHEN
                 and len({repr(h.payload.get(k)) for h in heads}) > 1]
    title = next((str(v) for h in heads for k in TITLE_FIELDS
                  if (v := h.payload.get(k)) not in (None, "")), "")
    return ConflictView(kind, record_id, title, versions,
                        differing + [k for k in WHO_WHEN if k in keys])


def conflict_views(ctx: AppContext) -> list[ConflictView]:
    """Every record in conflict, as :func:`view` shows it."""
    from frontdesk.services.sync import sync_service

    names = site_names(ctx)
    zone = ZoneInfo(ctx.require_site().timezone)
    return [view(c.kind, c.record_id, c.heads, names, zone)
            for c in sync_service(ctx).conflicts()]


def find(views: list[ConflictView], record_id: str, kind: str | None = None) -> ConflictView:
    """The conflict of ``record_id`` (of ``kind`` when given); :class:`ConflictError` when
    there is none, or when the id names conflicts of several kinds and no kind was given."""
    found = [c for c in views if c.record_id == record_id and kind in (None, c.kind)]
    if not found:
        raise ConflictError("not_found", f"no record {record_id!r} is in conflict"
                            + (f" as a {kind}" if kind else ""))
    if len(found) > 1:
        kinds = ", ".join(c.kind for c in found)
        raise ConflictError("ambiguous", f"{record_id!r} is in conflict as several kinds of "
                            f"record ({kinds}); give --kind")
    return found[0]


def pick(conflict: ConflictView, prefix: str) -> VersionView:
    """The one version whose id starts with ``prefix`` (at least 4 characters)."""
    prefix = prefix.strip().lower()
    matches = [v for v in conflict.versions if len(prefix) >= 4 and
               v.version_id.startswith(prefix)]
    if len(matches) != 1:
        listed = ", ".join(v.version_id[:8] for v in conflict.versions)
        why = "matches several versions" if matches else "matches none of its versions"
        raise ConflictError("not_a_version", f"{prefix!r} {why} ({listed}); give at least 4 "
                            "characters of one of them")
    return matches[0]


def resolve(ctx: AppContext, record_id: str, keep: str, by: str,
            kind: str | None = None) -> tuple[ConflictView, VersionView, Version]:
    """Keep the version of ``record_id`` whose id starts with ``keep``: a new version whose
    parents are all the heads (it closes the conflict here and, once it travels, everywhere).
    Returns the conflict, the version kept and the new version."""
    from frontdesk.services.sync import sync_service

    conflict = find(conflict_views(ctx), record_id, kind)
    chosen = pick(conflict, keep)
    new = sync_service(ctx).resolve(conflict.kind, conflict.record_id, chosen.version_id, by=by)
    return conflict, chosen, new
