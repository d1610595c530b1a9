"""Type-ahead: every key goes where it would have gone had the guard typed slowly.

Textual hands each key to the focused widget's own queue and moves on to the next key at once.
A key that changes focus (Tab, Enter in a form) or opens or closes a screen (Ctrl+N, Esc) takes
effect only when its message has travelled up to the screen or the app, and the focus a new
screen sets in ``on_mount`` arrives later still. Keys typed meanwhile (a trained guard typing
ahead, a keyboard-wedge scanner sending a whole burst with Tabs and Enters) landed in the old
field, on a screen that was closing, or nowhere.

:class:`KeyGate` sits in front of the app's key handling and lets one key through at a time:

- a key is handed on only when the key before it has been handled all the way: a callback is
  queued behind it on every node from the widget it went to up to the app, twice (the second
  pass also waits for what the first key posted, like ``Input.Submitted`` moving to the next
  field);
- while the top screen is still being mounted, or a screen says it is busy
  (:class:`HoldsKeys`, e.g. the sign-in checking a PIN), or the app holds keys for a reason
  (the sign-in screen has not come up yet), keys wait in order and are handed on once it is
  over; the hand-over is queued on the app behind whatever the new screen queued there (the
  focus it gives its first field).

Slow typing pays nothing: a key that finds the gate idle is handled at once.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App
    from textual.dom import DOMNode
    from textual.timer import Timer

# A key whose handling has not come back after this long no longer holds the keys after it
# (a node closed with the check queued on it, or a handler stuck): better late than never.
SETTLE_GIVE_UP_SECONDS = 1.0
# How often a waiting gate looks whether the screen is up (only while keys are waiting).
POLL_SECONDS = 0.01


class HoldsKeys:
    """A screen that may ask for keys to wait (set ``holds_keys`` while busy)."""

    holds_keys: bool = False


class KeyGate:
    """Hands keys to ``dispatch`` one at a time, each after the one before has settled."""

    def __init__(self, app: App[object], dispatch: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self._dispatch = dispatch
        self._backlog: deque[events.Key] = deque()
        self._reasons: set[str] = set()
        self._settling: int = 0  # token of the key being settled, 0 when none
        self._settle_path: list[DOMNode] = []
        self._settle_started = 0.0
        self._next_token = 1
        self._poll: Timer | None = None
        self._draining = False

    # -- holding ------------------------------------------------------------------------------
    def hold(self, reason: str) -> None:
        """Keep keys waiting until :meth:`release` with the same reason."""
        self._reasons.add(reason)

    def release(self, reason: str) -> None:
        """Stop holding for ``reason``; waiting keys go on (behind what is queued now)."""
        self._reasons.discard(reason)
        self.app.call_later(self._drain)

    @property
    def waiting(self) -> int:
        """How many keys are waiting."""
        return len(self._backlog)

    def _blocked(self) -> bool:
        if self._reasons:
            return True
        try:
            screen = self.app.screen
        except Exception:  # noqa: BLE001 - no screen yet (starting) or any more (closing)
            return True
        if not screen.is_mounted:
            return True
        return isinstance(screen, HoldsKeys) and screen.holds_keys

    # -- the key path ---------------------------------------------------------------------------
    async def feed(self, event: events.Key) -> None:
        """A key from the terminal: handle it now if nothing is in the way, else queue it."""
        self._backlog.append(event)
        await self._drain()

    async def _drain(self) -> None:
        if self._draining:
            return
        self._draining = True
        try:
            while self._backlog:
                waited = time.monotonic() - self._settle_started
                if self._settling and waited < SETTLE_GIVE_UP_SECONDS:
                    self._start_poll()  # its settling drains again; the poll only if it never does
                    return
                if self._blocked():
                    self._start_poll()
                    return
                event = self._backlog.popleft()
                target: DOMNode = self.app.focused or self.app.screen
                self._settling = token = self._next_token
                self._next_token += 1
                self._settle_started = time.monotonic()
                await self._dispatch(event)
                self._settle(token, target)
        finally:
            self._draining = False

    def _settle(self, token: int, target: DOMNode) -> None:
        """Queue a check behind the key on each node up to the app, twice; then go on."""
        path = [node for node in target.ancestors_with_self]
        if not path or path[-1] is not self.app:
            path.append(self.app)
        self._settle_path = path
        steps = path + path

        def step(index: int) -> None:
            if self._settling != token:
                return  # given up on: a later key has gone on already
            while index < len(steps):
                node = steps[index]
                if (node is self.app or node.is_attached) and node.call_later(step, index + 1):
                    return
                index += 1  # that node has closed (its screen went away): skip it
            self._settling = 0
            self.app.call_later(self._drain)

        step(0)

    def _start_poll(self) -> None:
        if self._poll is None:
            self._poll = self.app.set_interval(POLL_SECONDS, self._tick, name="typeahead")

    def _path_closed(self) -> bool:
        """A node the key went through has gone (its screen closed): what was queued on it,
        the check included, will never run, and the key has done all it will."""
        return any(node is not self.app and not node.is_attached for node in self._settle_path)

    def _tick(self) -> None:
        if self._settling and self._path_closed():
            self._settling = 0
        stuck = self._settling and time.monotonic() - self._settle_started >= SETTLE_GIVE_UP_SECONDS
        if not self._backlog or (not self._blocked() and (not self._settling or stuck)):
            if self._poll is not None:
                self._poll.stop()
                self._poll = None
            # queued behind what the new screen put on the app's queue (its first focus)
            self.app.call_later(self._drain)
