"""Pure domain: frozen dataclasses, enums and rules. Imports neither textual nor storage."""
