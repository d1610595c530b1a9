"""When something happened, as opposed to when it was written down (issue 18, point 4).

A checklist tick, a call, a statement or a report takes the time it happened: now by default;
an earlier time needs a reason (work done on time and logged later is not counted late, but the
record says why it was logged afterwards); a time in the future is refused. Both instants are
kept by the caller (``occurred_at``/``at`` and ``recorded_at``). Pure: ``now`` is passed in.
"""
from __future__ import annotations

from datetime import datetime, timedelta

#: Logging up to this long after the fact counts as "now" (typing takes a minute).
BACKDATE_TOLERANCE = timedelta(minutes=2)
#: How far ahead of this PC's clock a time may lie (clock skew between PCs).
FUTURE_SLACK = timedelta(minutes=5)


class WhenError(ValueError):
    """The time given cannot be used; ``code`` says why (``future``, ``needs_reason``,
    ``before_event``, ``naive``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def effective_time(at: datetime | None, now: datetime, reason: str = "",
                   not_before: datetime | None = None) -> datetime:
    """The instant to record: ``at`` checked against ``now``, or ``now`` when ``at`` is None.

    Raises :class:`WhenError` for a naive time, one in the future (beyond the clock-skew
    slack), one earlier than :data:`BACKDATE_TOLERANCE` without a ``reason``, or one before
    ``not_before`` (the event itself).
    """
    if at is None:
        return now
    if at.tzinfo is None or at.utcoffset() is None:
        raise WhenError("naive", "the time needs a time zone")
    if at > now + FUTURE_SLACK:
        raise WhenError("future", "that time lies in the future")
    if not_before is not None and at < not_before - FUTURE_SLACK:
        raise WhenError("before_event", "that time is before the incident happened")
    if at < now - BACKDATE_TOLERANCE and not reason.strip():
        raise WhenError("needs_reason", "an earlier time needs a reason (why it is logged now)")
    return at


def is_backdated(at: datetime, recorded_at: datetime) -> bool:
    """Whether an entry was written down noticeably after it happened."""
    return recorded_at - at > BACKDATE_TOLERANCE
