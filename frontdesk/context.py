"""AppContext: everything a running frontdesk needs, made in one place (the seam tests use).

Building a context touches nothing; :meth:`AppContext.open` opens the database (it imports the
storage layer, so the app calls it in a worker after the first frame).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from frontdesk.clock import Clock, SystemClock
from frontdesk.paths import Paths, resolve_paths
from frontdesk.prefs import Prefs
from frontdesk.services.trust.session import Session

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.domain.site import Site
    from frontdesk.services.register import RegisterService
    from frontdesk.storage.db import Database

S = TypeVar("S")


class SignInRequired(PermissionError):
    """A change was asked for while nobody is signed in (and the app requires sign-in)."""


@dataclass
class AppContext:
    """Paths, clock, preferences, the database and the services built on it."""

    paths: Paths
    clock: Clock = field(default_factory=SystemClock)
    prefs: Prefs = field(default_factory=Prefs)
    session: Session = field(default_factory=Session)
    db: Database | None = None
    site: Site | None = None
    auth_required: bool = False  # the real app (cli.run_app) signs people in; tests opt in
    _services: dict[str, object] = field(default_factory=dict)

    @classmethod
    def create(cls, db: str | None = None, clock: Clock | None = None,
               paths: Paths | None = None) -> AppContext:
        """A context for the given ``--db`` (or the defaults), prefs loaded, nothing opened."""
        p = paths or resolve_paths(db)
        return cls(paths=p, clock=clock or SystemClock(), prefs=Prefs.load(p.prefs_file))

    @property
    def is_open(self) -> bool:
        """True once the database is open."""
        return self.db is not None

    def open(self) -> None:
        """Open (and on first start create) the database and the site."""
        if self.db is not None:
            return
        from frontdesk.storage import site as site_store
        from frontdesk.storage.db import Database

        self.paths.ensure()
        self.paths.secure_db()
        db = Database(self.paths.db_file)
        db.open()
        with db.write() as conn:
            self.site = site_store.ensure_site(conn)
        self.db = db
        for hook in _OPEN_HOOKS:
            hook(self)

    def close(self) -> None:
        """Close the database."""
        if self.db is not None:
            self.db.close()
            self.db = None

    def require_db(self) -> Database:
        """The open database (opening it if needed)."""
        if self.db is None:
            self.open()
        assert self.db is not None
        return self.db

    def require_site(self) -> Site:
        """The site (opening the database if needed)."""
        self.require_db()
        assert self.site is not None
        return self.site

    def reload_site(self) -> None:
        """Re-read the site settings after a change."""
        from frontdesk.storage import site as site_store

        self.site = site_store.load_site(self.require_db().read())

    def signed_in_user(self) -> str:
        """The person changes are made by; refuses when sign-in is required and nobody is in.

        Every service that changes what the guards keep (entries, incidents, calls, contacts,
        script readings, imports) asks this first, so nothing is saved as nobody: not while
        the sign-in or lock screen is up, not after a start that never reached sign-in.
        Background jobs of the app itself (backups, retention purges) do not ask.
        """
        session = self.session
        if self.auth_required and (not session.user or session.locked):
            raise SignInRequired("nobody is signed in")
        return session.user

    @property
    def register(self) -> RegisterService:
        """The register use cases."""
        from frontdesk.services.register import RegisterService

        return self.service("register", RegisterService)

    def service(self, name: str, factory: Callable[[AppContext], S]) -> S:
        """The service ``name``, built once per context by ``factory(ctx)``."""
        svc = self._services.get(name)
        if svc is None:
            svc = self._services[name] = factory(self)
        # Only ``factory`` ever stores under ``name``, so the stored object is an S.
        return cast(S, svc)


_OPEN_HOOKS: list = []


def on_open(hook: object) -> None:
    """Run ``hook(ctx)`` after the database opens (start-up jobs: purge, backup, checks)."""
    _OPEN_HOOKS.append(hook)
