"""Trust use cases: session, sign-in, audit trail, backups, retention."""
