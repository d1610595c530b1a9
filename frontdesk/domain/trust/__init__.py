"""Trust: PINs, roles, the audit chain, retention and erasure."""
