"""Strings about the site's own files (incident kinds, escalation policies)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "site_files.errors": (
        "站点配置文件有误,已改用随附的默认设置(改正后重启生效):\n{errors}",
        "A site file has mistakes; the shipped defaults are used until it is fixed (then "
        "restart):\n{errors}"),
    "site_files.more": ("……另有 {n} 处", "…and {n} more"),
}
