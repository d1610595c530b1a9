"""Escalation: the vocabulary. Levels, call outcomes, steps, plans and the call log records.

Two chains run side by side on every incident (research/anchors-escalation-incidents.md
§2.11.1):

* the **responder** chain finds *one* person to take charge: its steps are tried in order and it
  stops as soon as somebody accepts;
* the **reporting** chain (逐级上报) must inform *every* level it lists, each by a deadline that
  depends on the incident level; an acceptance does not stop it. Seed 003: for an emergency or
  worse the superior is told immediately; a general event may be reported afterwards.

A :class:`Plan` is the frozen copy of both chains for all three levels, taken from the policy
document when the incident opens (:func:`frontdesk.domain.escalation.policy.plan_for`) and
stored with the incident, so a later policy edit never changes a live incident. The call log
(:class:`CallAttempt`, :class:`Skip`, :class:`LevelChange`) is all that is stored about progress;
:func:`frontdesk.domain.escalation.engine.chain_state` recomputes everything else from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from frontdesk.domain.incidents.model import Bilingual, Level

__all__ = [
    "Bilingual", "CallAttempt", "CallOutcome", "ChainKind", "Level", "LevelChains", "LevelChange",
    "Plan", "ReportLevel", "Require", "Skip", "Step", "StepKind", "Target",
]


class ChainKind(StrEnum):
    """Which chain a record belongs to."""

    RESPONDER = "responder"
    REPORTING = "reporting"


class StepKind(StrEnum):
    """What a step of a chain does."""

    CALL = "call"
    CALL_MANY = "call_many"
    WAIT = "wait"
    EMERGENCY = "emergency"
    REPEAT = "repeat"


class CallOutcome(StrEnum):
    """What came of one call, as the guard records it with one key."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    CALLBACK = "callback"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    SWITCHED_OFF = "switched_off"
    WRONG_NUMBER = "wrong_number"
    MESSAGE_SENT = "message_sent"

    @property
    def informs(self) -> bool:
        """The person was reached and told (accepted or declined): a reporting level is met."""
        return self in (CallOutcome.ACCEPTED, CallOutcome.DECLINED)

    @property
    def is_miss(self) -> bool:
        """An unanswered call: counts towards ``misses_to_advance``.

        A sent message is neither a miss nor a reach: unread WeChat messages are the classic
        failure, so a message never stands in for a call.
        """
        return self in _MISSES

    @property
    def zh(self) -> str:
        """The Chinese label."""
        return _OUTCOME_ZH[self.value]


_MISSES = frozenset(
    {CallOutcome.NO_ANSWER, CallOutcome.BUSY, CallOutcome.SWITCHED_OFF, CallOutcome.WRONG_NUMBER}
)
_OUTCOME_ZH = {
    "accepted": "接通·已接手", "declined": "接通·拒绝", "callback": "接通·稍后回电",
    "no_answer": "无人接听", "busy": "占线", "switched_off": "关机", "wrong_number": "号码错误",
    "message_sent": "已发信息(未接通)",
}


class Require(StrEnum):
    """Whether a ``call_many`` step is satisfied by one acceptance or needs all of them."""

    ANY = "any"
    ALL = "all"


@dataclass(frozen=True)
class Target:
    """Whom a step calls: a role (resolved to contacts at call time) or one contact."""

    role: str | None = None
    contact_id: str | None = None

    def __post_init__(self) -> None:
        if (self.role is None) == (self.contact_id is None):
            raise ValueError("a target names exactly one of role or contact_id")

    def to_dict(self) -> dict[str, str]:
        """JSON form: ``{"role": ...}`` or ``{"contact_id": ...}``."""
        if self.role is not None:
            return {"role": self.role}
        return {"contact_id": str(self.contact_id)}


@dataclass(frozen=True)
class Step:
    """One step of a responder chain; the fields a kind does not use keep their defaults.

    * ``call`` / ``call_many``: ``targets`` (one for ``call``), ``require``,
      ``misses_to_advance`` (auto-advance after that many misses per target), ``wait_minutes``
      (after an unanswered call, the next call is due that much later), ``callback_minutes``.
    * ``emergency``: ``targets`` holds the service role (``fire_119``...), ``number`` what to
      dial, ``script`` the guided call; reaching it moves on but never ends the chain.
    * ``wait``: ``wait_minutes`` of deliberate pause.
    * ``repeat``: go back to ``to_step`` at most ``max_repeats`` times.

    A step with a ``condition`` is optional ("120 if a passenger is unwell"): it never blocks the
    chain; the board offers it and the guard calls it (or records a skip) when it applies.
    """

    kind: StepKind
    targets: tuple[Target, ...] = ()
    require: Require = Require.ANY
    misses_to_advance: int = 2
    wait_minutes: int = 5
    callback_minutes: int = 10
    number: str | None = None
    script: str | None = None
    condition: Bilingual | None = None
    to_step: int = 0
    max_repeats: int = 0

    @property
    def optional(self) -> bool:
        """True for a conditional step, which the chain passes over."""
        return self.condition is not None

    def to_dict(self) -> dict[str, Any]:
        """The fully explicit JSON form (what a stored plan holds)."""
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.kind is StepKind.WAIT:
            out["minutes"] = self.wait_minutes
        elif self.kind is StepKind.REPEAT:
            out.update(to_step=self.to_step, max_repeats=self.max_repeats)
        else:
            out.update(
                targets=[t.to_dict() for t in self.targets], require=self.require.value,
                misses_to_advance=self.misses_to_advance, wait_minutes=self.wait_minutes,
                callback_minutes=self.callback_minutes,
            )
            if self.number is not None:
                out["number"] = self.number
            if self.script is not None:
                out["script"] = self.script
        if self.condition is not None:
            out["condition"] = {"zh": self.condition.zh, "en": self.condition.en}
        return out


@dataclass(frozen=True)
class ReportLevel:
    """One level of the reporting chain: any one of ``targets`` informed by the deadline.

    ``after_the_fact`` marks a level that may be told afterwards (一般性情况可于事后报告): it
    still has a deadline (e.g. 24 h) so the close gate can ask for it.
    """

    targets: tuple[Target, ...]
    deadline_minutes: int
    after_the_fact: bool = False
    script: str | None = None

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        """Identity used when a level raise merges chains: the sorted targets."""
        return tuple(sorted((t.role or "", t.contact_id or "") for t in self.targets))

    def to_dict(self) -> dict[str, Any]:
        """The fully explicit JSON form."""
        out: dict[str, Any] = {
            "targets": [t.to_dict() for t in self.targets],
            "deadline_minutes": self.deadline_minutes, "after_the_fact": self.after_the_fact,
        }
        if self.script is not None:
            out["script"] = self.script
        return out


@dataclass(frozen=True)
class LevelChains:
    """Both chains for one level."""

    level: Level
    responder: tuple[Step, ...]
    reporting: tuple[ReportLevel, ...]


@dataclass(frozen=True)
class Plan:
    """The chains in force for one incident, copied from the policy when it opened.

    ``kind`` is the incident kind asked for; ``policy_kind`` the entry that supplied it
    (``"default"`` when the document has no entry for the kind). All three levels are kept,
    so raising the level needs nothing but the plan.
    """

    kind: str
    policy_kind: str
    level: Level
    levels: tuple[LevelChains, ...]
    warning_minutes: int = 2
    callback_minutes: int = 10

    def chains(self, level: Level) -> LevelChains:
        """The chains for ``level``."""
        for chains in self.levels:
            if chains.level == level:
                return chains
        raise KeyError(level)


@dataclass(frozen=True)
class CallAttempt:
    """One call (or message) the duty room made, as logged; ``at`` is an aware UTC instant.

    ``chain`` and ``outcome`` may be given as their string values (as storage returns them).

    ``step_index`` indexes the responder chain in force at ``at`` (for ``chain="responder"``) or
    the reporting levels as :class:`~frontdesk.domain.escalation.engine.ChainState` lists them.
    """

    id: str
    incident_id: str
    chain: ChainKind
    step_index: int
    contact_id: str | None
    role: str | None
    at: datetime
    outcome: CallOutcome
    note: str = ""
    by: str = ""

    def __post_init__(self) -> None:
        _check_aware(self.at)
        _coerce(self, "chain", ChainKind)
        _coerce(self, "outcome", CallOutcome)


@dataclass(frozen=True)
class Skip:
    """A step or reporting level deliberately passed over (越级), with the reason and who."""

    step_index: int
    reason: str
    at: datetime
    by: str
    chain: ChainKind = ChainKind.RESPONDER
    id: str = ""
    incident_id: str = ""

    def __post_init__(self) -> None:
        _check_aware(self.at)
        _coerce(self, "chain", ChainKind)


@dataclass(frozen=True)
class LevelChange:
    """The incident level changed (normally raised) at ``at``."""

    from_level: Level
    to_level: Level
    at: datetime
    by: str
    reason: str = ""
    id: str = ""
    incident_id: str = ""

    def __post_init__(self) -> None:
        _check_aware(self.at)
        _coerce(self, "from_level", Level)
        _coerce(self, "to_level", Level)


def _check_aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("escalation records need aware (UTC) datetimes")


def _coerce(record: object, name: str, enum: type[StrEnum]) -> None:
    # Storage hands back plain strings; the engine compares enum members by identity.
    object.__setattr__(record, name, enum(getattr(record, name)))

