"""Escalation screens: contacts, the policy per kind and level, one incident's chain."""
