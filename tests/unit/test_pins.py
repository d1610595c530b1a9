"""PIN rules, argon2id hashing, lockout and idle lock; and the role table (roles.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.domain.trust import pins
from frontdesk.domain.trust.pins import (
    LockoutPolicy,
    hash_pin,
    idle_locked,
    lockout_state,
    needs_rehash,
    validate_pin,
    verify_pin,
)
from frontdesk.domain.trust.roles import Action, Role, can, requires_step_up, requires_supervisor

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


# --- PIN rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pin", "code"),
    [
        ("12345", pins.PIN_TOO_SHORT),
        ("", pins.PIN_TOO_SHORT),
        ("4829a1", pins.PIN_NOT_DIGITS),
        ("48 2913", pins.PIN_NOT_DIGITS),
        ("٤٨٢٩١٣", pins.PIN_NOT_DIGITS),  # Arabic-Indic digits are digits to str.isdigit()
        ("000000", pins.PIN_ALL_SAME),
        ("7777777", pins.PIN_ALL_SAME),
        ("123456", pins.PIN_SEQUENCE),
        ("654321", pins.PIN_SEQUENCE),
        ("345678", pins.PIN_SEQUENCE),
        ("890123", pins.PIN_SEQUENCE),
        ("121212", pins.PIN_REPEATED),
        ("520520", pins.PIN_REPEATED),
        ("1" * 40 + "2", pins.PIN_TOO_LONG),
    ],
)
def test_bad_pins_are_refused_with_a_code(pin: str, code: str) -> None:
    assert validate_pin(pin) == code


@pytest.mark.parametrize("pin", ["482913", "135792", "20250301", "０４８２９１"])
def test_good_pins_pass(pin: str) -> None:
    assert validate_pin(pin) is None


def test_hash_refuses_a_bad_pin() -> None:
    with pytest.raises(ValueError, match=pins.PIN_SEQUENCE):
        hash_pin("123456")


# --- hashing ---------------------------------------------------------------------------------


def test_round_trip_and_wrong_pin() -> None:
    h = hash_pin("482913")
    assert verify_pin(h, "482913") is True
    assert verify_pin(h, "482914") is False
    assert verify_pin(h, "") is False


def test_hash_is_argon2id_with_documented_parameters_and_salted() -> None:
    h1, h2 = hash_pin("482913"), hash_pin("482913")
    assert h1.startswith("$argon2id$")
    assert "m=65536,t=3,p=1" in h1  # 64 MiB, 3 passes: ~0.2 s here (BENCHMARKS.md)
    assert h1 != h2  # a random salt per hash
    assert "482913" not in h1
    assert needs_rehash(h1) is False


def test_full_width_digits_are_the_same_pin() -> None:
    assert verify_pin(hash_pin("482913"), "４８２９１３") is True


def test_verify_never_raises_on_damaged_hash() -> None:
    assert verify_pin("not a hash", "482913") is False
    assert verify_pin("$argon2id$v=19$m=19456,t=2,p=1$broken", "482913") is False


def test_old_parameters_need_rehash() -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("482913")
    assert verify_pin(old, "482913") is True
    assert needs_rehash(old) is True
    assert needs_rehash("garbage") is True


def test_pepper_is_required_to_verify() -> None:
    pepper = b"k" * 32
    h = hash_pin("482913", pepper=pepper)
    assert verify_pin(h, "482913", pepper=pepper) is True
    assert verify_pin(h, "482913") is False
    assert verify_pin(h, "482913", pepper=b"x" * 32) is False


def test_a_peppered_hash_names_its_pepper_and_old_hashes_still_verify() -> None:
    """``fdp1$<id>$argon2id$...``; another pepper cannot verify it (told apart from a wrong
    PIN); a hash from before the pepper (the old OWASP-minimum parameters) verifies with the
    pepper present and asks to be replaced."""
    from argon2 import PasswordHasher, Type

    from frontdesk.domain.trust.pins import can_verify, pepper_id

    pepper, other = b"k" * 32, b"x" * 32
    h = hash_pin("482913", pepper=pepper)
    assert h.startswith(f"fdp1${pepper_id(pepper)}$argon2id$v=19$m=65536,t=3,p=1$")
    assert can_verify(h, pepper) and not can_verify(h, other) and not can_verify(h, None)
    assert needs_rehash(h, pepper) is False
    legacy = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1,
                            type=Type.ID).hash("482913")
    assert can_verify(legacy, pepper) and verify_pin(legacy, "482913", pepper=pepper)
    assert not verify_pin(legacy, "482914", pepper=pepper)
    assert needs_rehash(legacy, pepper) is True
    assert needs_rehash(hash_pin("482913"), pepper) is True  # current cost, but no pepper


# --- lockout ---------------------------------------------------------------------------------


def _attack(policy: LockoutPolicy) -> tuple[int, timedelta]:
    """Try a name whenever it is not locked for a whole day: (guesses, longest lock)."""
    start = datetime(2026, 11, 22, tzinfo=UTC)
    now, tried, longest = start, [], timedelta(0)
    while now < start + timedelta(days=1):
        state = lockout_state(tried, now, policy)
        if state.locked:
            assert state.until is not None
            longest = max(longest, state.until - tried[-1])
            now = state.until
            continue
        tried.append(now)
        now += timedelta(seconds=2)
    return len(tried), longest


def test_person_policy_bounds_both_guessing_and_keeping_someone_out() -> None:
    """Per person: at most ~500 guesses a day, and no lock on a name lasts over 15 minutes
    (with the old per-name policy, now the terminal's, a guard kept a name out for an hour)."""
    from frontdesk.domain.trust.pins import PERSON_POLICY, TERMINAL_POLICY

    guesses, longest = _attack(PERSON_POLICY)
    assert longest == timedelta(minutes=15) and guesses <= 500
    assert _attack(TERMINAL_POLICY)[1] == timedelta(hours=1)


def fails(*minutes: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in minutes]


def test_no_failures_means_all_attempts_left() -> None:
    state = lockout_state([], T0)
    assert (state.locked, state.until, state.remaining_attempts) == (False, None, 5)


def test_four_failures_leave_one_attempt() -> None:
    state = lockout_state(fails(0, 1, 2, 3), T0 + 4 * MIN)
    assert not state.locked
    assert state.remaining_attempts == 1


def test_five_failures_in_window_lock_for_five_minutes() -> None:
    f = fails(0, 1, 2, 3, 4)
    state = lockout_state(f, T0 + 5 * MIN)
    assert state.locked
    assert state.until == T0 + 9 * MIN
    assert state.remaining_attempts == 0
    assert lockout_state(f, T0 + 9 * MIN - timedelta(seconds=1)).locked
    after = lockout_state(f, T0 + 9 * MIN)
    assert not after.locked
    assert after.remaining_attempts == 5


def test_failures_spread_beyond_the_window_do_not_lock() -> None:
    state = lockout_state(fails(0, 10, 20, 30, 40), T0 + 41 * MIN)
    assert not state.locked
    assert state.remaining_attempts == 5 - 2  # 30 and 40 are within 15 minutes of 41


def test_lock_grows_with_each_lockout_and_is_capped() -> None:
    first = fails(0, 1, 2, 3, 4)  # locked 4..9
    second = fails(10, 11, 12, 13, 14)  # locked 14..24 (10 minutes)
    state = lockout_state(first + second, T0 + 15 * MIN)
    assert state.locked and state.until == T0 + 24 * MIN
    third = fails(25, 26, 27, 28, 29)  # locked 29..49 (20 minutes)
    assert lockout_state(first + second + third, T0 + 30 * MIN).until == T0 + 49 * MIN
    policy = LockoutPolicy()
    assert policy.lock_duration(10) == timedelta(hours=1)


def test_failures_during_a_lock_do_not_extend_it() -> None:
    # Locked 4..9; five more "failures" stamped during the lock must not start a second lock.
    f = fails(0, 1, 2, 3, 4, 5, 6, 7, 8, 8.5)
    assert lockout_state(f, T0 + 8.5 * MIN).until == T0 + 9 * MIN
    after = lockout_state(f, T0 + 9 * MIN)
    assert not after.locked and after.remaining_attempts == 5


def test_order_of_stored_failures_does_not_matter() -> None:
    f = fails(4, 0, 3, 1, 2)
    assert lockout_state(f, T0 + 5 * MIN).until == T0 + 9 * MIN


def test_failures_in_the_future_are_ignored() -> None:
    # The PC clock was set back: these were recorded "tomorrow".
    f = [T0 + timedelta(days=1, minutes=m) for m in range(5)]
    assert not lockout_state(f, T0).locked


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        lockout_state([datetime(2025, 3, 1, 8, 0)], T0)


# --- idle lock -------------------------------------------------------------------------------


def test_idle_lock_after_the_idle_period() -> None:
    assert not idle_locked(T0, T0 + 4 * MIN, 5)
    assert idle_locked(T0, T0 + 5 * MIN, 5)
    assert idle_locked(T0, T0 + 60 * MIN, 5)


def test_idle_lock_when_clock_went_back() -> None:
    assert idle_locked(T0, T0 - MIN, 5)


def test_idle_minutes_must_be_positive() -> None:
    with pytest.raises(ValueError):
        idle_locked(T0, T0, 0)


# --- roles -----------------------------------------------------------------------------------


def test_guard_can_do_no_supervisor_action_supervisor_can_do_all() -> None:
    for action in Action:
        assert requires_supervisor(action), action
        assert can(Role.GUARD, action) is False, action
        assert can(Role.SUPERVISOR, action) is True, action


def test_roles_accept_stored_strings_and_refuse_unknown_names() -> None:
    assert can("supervisor", "export") is True
    assert can("guard", "export") is False
    with pytest.raises(ValueError):
        can("guard", "exprot")
    with pytest.raises(ValueError):
        can("admin", Action.EXPORT)


def test_step_up_actions() -> None:
    step_up = {a for a in Action if requires_step_up(a)}
    assert {
        Action.UNMASK_ID,
        Action.EXPORT,
        Action.IMPORT_BUNDLE,
        Action.RESOLVE_CONFLICT,
        Action.EDIT_CONTACTS,
        Action.EDIT_CHAINS,
        Action.EDIT_SCRIPTS,
        Action.PURGE,
        Action.CLOSE_INCIDENT,
    } <= step_up
    assert Action.APPROVE_REPORT not in step_up
    assert all(requires_supervisor(a) for a in step_up)
