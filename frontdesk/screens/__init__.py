"""Screens, one per file; modals return typed results."""
