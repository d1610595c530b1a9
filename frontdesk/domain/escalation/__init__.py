"""Escalation: contacts, policies, the chain engine and the reporting chain."""
