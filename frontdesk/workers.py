"""Work that may fail without closing the app: thread workers and UI-thread handlers.

Every thread worker of frontdesk is declared with :func:`db_worker` (or started with
:func:`run_in_thread`): the body runs in a thread as with ``@work(thread=True)``, and whatever
it raises (a locked or full database, a read-only file, a bug) becomes a
:class:`~frontdesk.messages.WorkFailed` message instead of Textual's ``WorkerFailed``, which
would close the app. The message bubbles to the app, whose one handler says what happened in
the current language (``FrontdeskApp.show_failure``); nothing on the screen is cleared, so a
form keeps what was typed. Handlers that call a service on the UI thread (a dialog's callback,
a button) use :func:`fails_soft` and end in the same place.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.worker import Worker

from frontdesk.access import frontdesk_app
from frontdesk.messages import WorkFailed

P = ParamSpec("P")
N = TypeVar("N", bound=DOMNode)
R = TypeVar("R")


def report_failure(node: DOMNode, error: Exception, what: str) -> None:
    """Hand ``error`` to the app's failure handler (safe from any thread).

    Through ``node`` while it is on screen (so it may react too), else to the app directly.
    """
    message = WorkFailed(error, what)
    if node.is_attached:
        node.post_message(message)
    else:
        node.app.post_message(message)


def db_worker(
    *, group: str, exclusive: bool = False,
) -> Callable[[Callable[Concatenate[N, P], R]], Callable[Concatenate[N, P], Worker[R | None]]]:
    """``@work(thread=True)`` whose failure is shown by the app instead of closing it."""

    def decorate(method: Callable[Concatenate[N, P], R]) -> Callable[
            Concatenate[N, P], Worker[R | None]]:
        @functools.wraps(method)
        def guarded(node: N, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return method(node, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every failure goes to the one handler
                report_failure(node, exc, method.__qualname__)
                return None

        return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(guarded)

    return decorate


def run_in_thread(node: DOMNode, job: Callable[[], R], *, group: str,
                  exclusive: bool = False) -> Worker[R | None]:
    """Run ``job`` in a thread worker of ``node`` (group ``group``); a failure is shown."""

    def guarded() -> R | None:
        try:
            return job()
        except Exception as exc:  # noqa: BLE001 - every failure goes to the one handler
            report_failure(node, exc, group)
            return None

    return node.run_worker(guarded, thread=True, group=group, exclusive=exclusive,
                           exit_on_error=False)


def fails_soft(method: Callable[Concatenate[N, P], R]) -> Callable[Concatenate[N, P], R | None]:
    """For a UI-thread handler that calls a service: a failure is shown, the app goes on."""

    @functools.wraps(method)
    def guarded(node: N, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(node, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure goes to the one handler
            frontdesk_app(node).show_failure(exc, method.__qualname__)
            return None

    return guarded
