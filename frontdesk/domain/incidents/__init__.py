"""Incidents: kinds, levels, lifecycle, clocks and the written report."""
