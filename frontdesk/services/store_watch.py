"""Whether another connection changed the database: another terminal, the command line, a sync.

The app asks once a second; the answer costs one pragma on a dedicated connection
(:mod:`frontdesk.storage.change_watch`), and screens reload only when it says yes.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.storage.change_watch import ChangeWatcher


class StoreWatch:
    """Remembers the database's change counter between looks."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._watcher: ChangeWatcher | None = None

    def changed(self) -> bool:
        """True when another connection committed since the last look (False before open)."""
        if self.ctx.db is None:
            return False
        if self._watcher is None:
            from frontdesk.storage.change_watch import ChangeWatcher

            self._watcher = ChangeWatcher(self.ctx.db.path)
        return self._watcher.changed()
