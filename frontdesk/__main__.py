"""``python -m frontdesk``."""
from __future__ import annotations

from frontdesk.cli.main import main

raise SystemExit(main())
