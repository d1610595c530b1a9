"""The one error a bundle raises when it cannot be written or is refused."""
from __future__ import annotations


class BundleError(Exception):
    """A bundle could not be written or was refused; ``code`` says why, ``message`` says what to do.

    Codes: ``unwritable``, ``unreadable``, ``not_a_zip``, ``not_a_bundle``, ``corrupt``,
    ``too_new``, ``bad_manifest``, ``unsafe_name``, ``unlisted_member``, ``unknown_member``,
    ``missing_member``, ``zip_bomb``, ``tampered``, ``malformed``, ``bad_stamp``,
    ``unknown_kind``, ``own_bundle``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
