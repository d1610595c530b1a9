"""Schema steps after version 1: ``vNNN_<feature>.py`` with ``VERSION`` and ``SQL``."""
