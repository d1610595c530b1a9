"""PINs: what a good one looks like, how it is hashed, and when a session locks.

Hashing is argon2id through argon2-cffi's ``PasswordHasher`` at ``m=65536 KiB (64 MiB), t=3,
p=1``: the memory of RFC 9106's second recommended option, with one lane because the gate PC
draws the screen on the same cores. That is about 0.25 s per check on the 2-core development
machine (BENCHMARKS.md, "PIN hashing"), eight times the OWASP minimum this module used before
(``m=19 MiB, t=2``: ~32 ms, so a copied database gave up any 6-digit PIN in about 9 core-hours).

Before argon2 the PIN is keyed with a **pepper**: 32 random bytes in a file in the config folder
(``pin.pepper``, owner-only, made at first start; :class:`frontdesk.services.trust.auth.AuthService`),
never in the database, a backup or a bundle. A copied database without that file cannot be
brute-forced at all (the attacker would have to guess 256 bits first). A peppered hash is stored
as ``fdp1$<pepper id>$argon2id$...``; the pepper id (8 hex digits of a digest of the pepper) tells
"wrong PIN" from "this PC's pepper file was lost or replaced" (then every PIN must be reset: see
README, "Locked out"). Hashes without the prefix (made before the pepper) still verify and are
replaced at the next good sign-in (:func:`needs_rehash`), as are hashes with older parameters.

The rest of the policy:

* six digits or more, no single-digit runs, no straight sequences, no short repeated blocks;
* lockout per terminal and per person (:data:`TERMINAL_POLICY`, :data:`PERSON_POLICY`,
  :func:`lockout_state`; the reasoning is in :mod:`frontdesk.services.trust.auth`).

PINs are normalised with NFKC first, so full-width digits typed with a Chinese IME in
full-width mode (``１２３４５６``) are the same PIN as ``123456``.
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 32

#: Error codes returned by :func:`validate_pin` (the UI maps them to zh/en messages).
PIN_TOO_SHORT = "pin_too_short"
PIN_TOO_LONG = "pin_too_long"
PIN_NOT_DIGITS = "pin_not_digits"
PIN_ALL_SAME = "pin_all_same"
PIN_SEQUENCE = "pin_sequence"
PIN_REPEATED = "pin_repeated"

ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST_KIB = 65536
ARGON2_PARALLELISM = 1
ARGON2_HASH_LEN = 32
ARGON2_SALT_LEN = 16

_HASHER = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_COST_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=ARGON2_HASH_LEN,
    salt_len=ARGON2_SALT_LEN,
    type=Type.ID,
)


def normalize_pin(pin: str) -> str:
    """The PIN as hashed: NFKC (full-width digits become ASCII), outer whitespace removed."""
    return unicodedata.normalize("NFKC", pin).strip()


def _is_step_sequence(digits: str) -> bool:
    """True for 123456, 654321 and their wrap-arounds (890123, 109876)."""
    values = [int(d) for d in digits]
    steps = {(b - a) % 10 for a, b in pairwise(values)}
    return steps == {1} or steps == {9}


def _is_repeated_block(digits: str) -> bool:
    """True when the PIN is a shorter block repeated (121212, 123123, 520520)."""
    n = len(digits)
    return any(
        n % size == 0 and digits == digits[:size] * (n // size) for size in range(2, n // 2 + 1)
    )


def validate_pin(pin: str) -> str | None:
    """Return an error code when ``pin`` is not acceptable, or None when it is.

    Checked in this order: too short, too long, not all ASCII digits (after NFKC), all the same
    digit, a straight sequence up or down, a short block repeated.
    """
    p = normalize_pin(pin)
    if len(p) < MIN_PIN_LENGTH:
        return PIN_TOO_SHORT
    if len(p) > MAX_PIN_LENGTH:
        return PIN_TOO_LONG
    if not (p.isascii() and p.isdigit()):
        return PIN_NOT_DIGITS
    if len(set(p)) == 1:
        return PIN_ALL_SAME
    if _is_step_sequence(p):
        return PIN_SEQUENCE
    if _is_repeated_block(p):
        return PIN_REPEATED
    return None


PEPPER_TAG = "fdp1"
PEPPER_BYTES = 32


def pepper_id(pepper: bytes) -> str:
    """A short name for a pepper (8 hex digits of a digest): says which pepper made a hash,
    without helping anyone guess it."""
    return hashlib.sha256(b"frontdesk pin pepper id\x00" + pepper).hexdigest()[:8]


def _secret(pin: str, pepper: bytes | None) -> str:
    """What argon2 actually hashes: the normalised PIN, HMAC'd with the pepper when given."""
    p = normalize_pin(pin)
    if not pepper:
        return p
    return hmac.new(pepper, p.encode("utf-8"), hashlib.sha256).hexdigest()


def _split(stored: str) -> tuple[str | None, str]:
    """``(pepper id or None, argon2 PHC string)`` of a stored hash."""
    if stored.startswith(PEPPER_TAG + "$"):
        _tag, pid, rest = (stored.split("$", 2) + ["", ""])[:3]
        return pid, "$" + rest
    return None, stored


def _hash(pin: str, pepper: bytes | None) -> str:
    phc = _HASHER.hash(_secret(pin, pepper))
    return f"{PEPPER_TAG}${pepper_id(pepper)}{phc}" if pepper else phc


def hash_pin(pin: str, *, pepper: bytes | None = None) -> str:
    """Hash a new PIN with argon2id; raises ``ValueError(code)`` if :func:`validate_pin` fails.

    With a pepper the result is ``fdp1$<pepper id>$argon2id$...``; without, a plain PHC string
    starting with ``$argon2id$``. Either embeds the salt and parameters.
    """
    error = validate_pin(pin)
    if error is not None:
        raise ValueError(error)
    return _hash(pin, pepper)


def rehash_pin(pin: str, *, pepper: bytes | None = None) -> str:
    """A fresh hash of a PIN that was just verified (no rule check: it predates the rules)."""
    return _hash(pin, pepper)


def can_verify(pin_hash: str, pepper: bytes | None) -> bool:
    """False when ``pin_hash`` was made with another pepper than ``pepper`` (or with one, and
    none is given): no PIN can match it here, whoever types it."""
    pid, _phc = _split(pin_hash) if isinstance(pin_hash, str) else (None, "")
    return pid is None or (pepper is not None and pid == pepper_id(pepper))


def verify_pin(pin_hash: str, pin: str, *, pepper: bytes | None = None) -> bool:
    """True when ``pin`` matches ``pin_hash``; False for a wrong PIN, a damaged hash or a hash
    made with another pepper; never raises. A hash made before the pepper checks the PIN alone.
    """
    if not isinstance(pin_hash, str) or not isinstance(pin, str):
        return False
    pid, phc = _split(pin_hash)
    if not can_verify(pin_hash, pepper):
        return False
    try:
        return _HASHER.verify(phc, _secret(pin, pepper if pid is not None else None))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(pin_hash: str, pepper: bytes | None = None) -> bool:
    """Whether a stored hash should be replaced at the next good sign-in: other parameters, or
    made without the pepper now available. A hash that cannot be parsed also "needs rehash"."""
    pid, phc = _split(pin_hash)
    if pepper is not None and pid != pepper_id(pepper):
        return True
    try:
        return _HASHER.check_needs_rehash(phc)
    except (InvalidHashError, ValueError):
        return True


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong PINs are tolerated, and for how long a lock lasts.

    ``max_failures`` failures within ``window`` lock the account for ``lock_for``; each further
    lockout lasts ``growth`` times longer than the one before, never more than ``max_lock``.
    """

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=5)
    growth: float = 2.0
    max_lock: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if self.window <= timedelta(0) or self.lock_for <= timedelta(0):
            raise ValueError("window and lock_for must be positive")
        if self.growth < 1.0:
            raise ValueError("growth must be at least 1")
        if self.max_lock < self.lock_for:
            raise ValueError("max_lock must not be shorter than lock_for")

    def lock_duration(self, level: int) -> timedelta:
        """How long the ``level``-th lockout lasts (level 0 is the first)."""
        cap = self.max_lock.total_seconds()
        # Capped before the timedelta is made: growth**level overflows it after ~40 lockouts.
        seconds = min(self.lock_for.total_seconds() * self.growth ** min(level, 64), cap)
        return timedelta(seconds=seconds)


#: Failures at one terminal (this running frontdesk), whatever names were typed: five in 15
#: minutes stop every PIN check there for 5 minutes, then 10, 20, 40, at most an hour. This is
#: what stops guessing at the keyboard, and it locks the *terminal*, not anybody's name.
TERMINAL_POLICY = LockoutPolicy()

#: Failures on one person's name, counted at every terminal and kept in the database (so
#: starting frontdesk again does not reset them): five in 15 minutes lock the name for 1 minute,
#: then 2, 4, 8, at most 15. Short on purpose: whoever types wrong PINs for someone else keeps
#: that person out for at most 15 minutes at a time, and only by staying at it (from fresh
#: terminals, each of which locks after five failures); every failure is audited and shown to
#: the person at their next sign-in. The bound on guessing one name is then five tries per
#: quarter hour once the locks have grown: about 500 a day, 2.7 years for an even chance at a
#: 6-digit PIN (tests/unit/test_pins.py simulates a day of it).
PERSON_POLICY = LockoutPolicy(max_failures=5, window=timedelta(minutes=15),
                              lock_for=timedelta(minutes=1), growth=2.0,
                              max_lock=timedelta(minutes=15))


@dataclass(frozen=True)
class Lockout:
    """The lock state at one instant: locked until ``until``, or how many tries are left."""

    locked: bool
    until: datetime | None
    remaining_attempts: int


def _require_aware(dt: datetime, name: str) -> None:
    """Refuse naive datetimes: every instant in the app is timezone-aware UTC."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def lockout_state(
    failures: Sequence[datetime], now: datetime, policy: LockoutPolicy = LockoutPolicy()
) -> Lockout:
    """Compute the lock state from the failed attempts since the last successful unlock.

    A pure function of stored timestamps (habit 9): a restart or power cut changes nothing.
    The failures are replayed in time order. Once ``max_failures`` of them fall within
    ``window``, a lock starts at the last one and lasts ``policy.lock_duration(level)``;
    the count then starts again from zero, and the next lock is longer. Failures recorded
    while a lock was running are ignored (the UI refuses to check a PIN during a lock).
    Failures dated after ``now`` are ignored too: they mean the PC clock was set back, and a
    lock lasting until the clock catches up would keep the supervisor out for hours; an
    attacker who can change the system clock already holds the database file.
    """
    _require_aware(now, "now")
    for f in failures:
        _require_aware(f, "failure time")
    lock_until: datetime | None = None
    level = 0
    streak: list[datetime] = []
    for f in sorted(t for t in failures if t <= now):
        if lock_until is not None and f < lock_until:
            continue
        streak = [t for t in streak if f - t < policy.window] + [f]
        if len(streak) >= policy.max_failures:
            lock_until = f + policy.lock_duration(level)
            level += 1
            streak = []
    if lock_until is not None and now < lock_until:
        return Lockout(locked=True, until=lock_until, remaining_attempts=0)
    recent = [t for t in streak if now - t < policy.window]
    return Lockout(locked=False, until=None, remaining_attempts=policy.max_failures - len(recent))


def idle_locked(last_activity: datetime, now: datetime, idle_minutes: int) -> bool:
    """Whether a session idle since ``last_activity`` must lock at ``now``.

    Locks once ``idle_minutes`` have passed. If ``last_activity`` is in the future the clock was
    set back; the session locks too (re-entering a PIN is cheap, a shared PC left open is not).
    """
    _require_aware(last_activity, "last_activity")
    _require_aware(now, "now")
    if idle_minutes < 1:
        raise ValueError("idle_minutes must be at least 1")
    if last_activity > now:
        return True
    return now - last_activity >= timedelta(minutes=idle_minutes)
