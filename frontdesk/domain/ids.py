"""Record ids that sort by creation time (UUID version 7 layout).

A register entry's id starts with the millisecond it was made, so within one search key the
index on (term, visit_id) lists a person's visits oldest to newest: reading it backwards gives
the newest entries for an exact key without sorting every match. The rest is random, so two
gates never make the same id.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime


def time_ordered_id(at: datetime) -> str:
    """A UUIDv7 string whose first 48 bits are ``at`` in Unix milliseconds."""
    ms = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    rand = secrets.randbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))
