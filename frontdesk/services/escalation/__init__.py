"""Escalation use cases: the chain and the contact list."""
