"""``python -m frontdesk``."""
from __future__ import annotations

from frontdesk.cli import main

raise SystemExit(main())
