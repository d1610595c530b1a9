"""Sync: record versions and the hybrid logical clock."""
