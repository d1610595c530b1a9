"""The privacy settings a supervisor changes: the retention period and the backups' space cap.

Each change is checked (a retention of 0 would purge every entry as soon as it is saved: it is
refused with a message that says so), audited (``settings``, kind ``site``, the new value as a
field) and, for the retention period, written to the privacy ledger too, so a restored older
database keeps the period set since (:mod:`frontdesk.services.trust.ledger`). In the app only a
supervisor reaches them (users & privacy, after step-up); the command line is run by the owner
of the database files.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.services.trust import ledger
from frontdesk.services.trust.backup import CAP_KEY

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

RETENTION_KEY = "retention_days"
RETENTION_MIN = 1
RETENTION_MAX = 3650
CAP_MAX_MB = 10_000_000


class SettingError(ValueError):
    """A value refused; ``code`` for the UI's words, the message for the command line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _may(ctx: AppContext) -> None:
    """In the app a guard never gets here; if the wiring ever lets one, refuse (fail closed)."""
    if ctx.auth_required and not ctx.session.can("manage_users"):
        raise SettingError("not_allowed", "only a supervisor may change this")


def _audit(ctx: AppContext, key: str, value: int, by: str) -> None:
    from frontdesk.domain.trust.audit import detail
    from frontdesk.storage import audit as store
    from frontdesk.storage import site as site_store

    with ctx.require_db().write() as conn:
        site_store.set_meta(conn, key, str(value))
        store.append(conn, at=ctx.clock.now(), action="settings", record_kind="site",
                     record_id=key, fields=(detail(key, value),),
                     who=by or ctx.session.user or "system")


def set_retention_days(ctx: AppContext, days: int, by: str = "") -> None:
    """Keep personal data ``days`` days (1 to 3650); purged at the next run (start and daily).

    Backups older than the new period are deleted by the next backup run.
    """
    _may(ctx)
    if days < RETENTION_MIN:
        raise SettingError("retention_zero", f"a retention period of {days} days would erase "
                           "every entry as soon as it is saved; give 1 to 3650 days "
                           "(the default is 180)")
    if days > RETENTION_MAX:
        raise SettingError("retention_long", "at most 3650 days (ten years)")
    ledger.append(ctx.paths.ledger_file,
                  [ledger.setting_line(RETENTION_KEY, days, ctx.clock.now())])
    _audit(ctx, RETENTION_KEY, days, by)
    ctx.reload_site()


def set_backup_cap(ctx: AppContext, mb: int, by: str = "") -> None:
    """Cap the space all backups may take, in MB; 0 means automatic (a fifth of the space the
    backups could use)."""
    _may(ctx)
    if not 0 <= mb <= CAP_MAX_MB:
        raise SettingError("cap_range", "give a size in MB, or 0 for automatic")
    _audit(ctx, CAP_KEY, mb, by)
