"""The record kinds that travel in sync bundles: the ones this version of frontdesk can store.

A bundle holding a version of any other kind comes from a newer version of frontdesk (or was
made by hand) and is refused whole, naming the record, rather than stored where nothing would
ever show it. Each kind here has a projection in ``frontdesk/storage`` (tests check both ways).
"""
from __future__ import annotations

SYNCED_KINDS: frozenset[str] = frozenset({
    "visit",             # register entries
    "contact",           # the duty phone list
    "script_use",        # a scripted reply read to a visitor
    "incident",          # incidents, their timeline, written report and handover sheets
    "timeline_entry",
    "incident_report",
    "handover",
    "escalation_plan",   # escalation: the plan and its call log
    "call_attempt",
    "escalation_skip",
    "level_change",
})
