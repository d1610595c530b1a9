"""The mark on every use case that changes what the guards keep.

A method marked :func:`changes_data` asks the context who is signed in before it runs
(``AppContext.signed_in_user``): when the app requires sign-in and nobody is in (the sign-in or
lock screen is up, or a start never reached it), it raises ``SignInRequired`` and nothing is
saved. Jobs of the app itself (backups, retention purges, the sign-in's own bookkeeping) are
not marked. The command line does not require sign-in (see docs/cli.md).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


class HasContext(Protocol):
    """A service: it works on one context."""

    ctx: AppContext


P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound=HasContext)


def changes_data(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Refuse ``method`` (``SignInRequired``) unless somebody is signed in, where that is required."""

    @functools.wraps(method)
    def guarded(service: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        service.ctx.signed_in_user()
        return method(service, *args, **kwargs)

    return guarded
