"""Incident use cases: lifecycle, report, handover, PDF, retention, demo data."""
