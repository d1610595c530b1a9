"""Duty-room screens: the board, one incident, new incident, the report, the handover."""
