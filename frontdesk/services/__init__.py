"""Use cases: take and return domain objects; no textual import."""
