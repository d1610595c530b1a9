"""Peak memory of the current process, for the benchmarks."""
from __future__ import annotations

import contextlib
import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak RSS of this process so far: VmHWM (``ru_maxrss`` would carry over the parent's
    peak across fork and exec, so a small child would report its parent's figure);
    ``ru_maxrss`` where /proc is missing."""
    with contextlib.suppress(OSError):  # no /proc (not Linux): fall back to ru_maxrss
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
