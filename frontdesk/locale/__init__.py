"""String catalogues, one module per area, each ``STRINGS = {key: (zh, en)}``."""
