"""The site a database belongs to: its id, name, time zone and house rules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from frontdesk.domain import sitetime
from frontdesk.domain.sitetime import DEFAULT_TZ

__all__ = ["DEFAULT_TZ", "Site"]
# Time zones of sites whose people read Chinese: such a site's first start speaks Chinese.
CHINESE_ZONES = frozenset({
    "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "Asia/Urumqi",
    "Asia/Kashgar", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "PRC", "Hongkong", "ROC",
})


@dataclass(frozen=True)
class Site:
    """One site's identity and settings (stored in the database, so they travel with it)."""

    id: str
    name: str
    timezone: str = DEFAULT_TZ
    overstay_hours: float = 4.0
    retention_days: int = 180

    @property
    def language(self) -> str:
        """The language the site's people read ("zh"), or "" when its time zone does not say."""
        return "zh" if self.timezone in CHINESE_ZONES else ""

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone."""
        return sitetime.zone(self.timezone)

    def day_bounds(self, now: datetime, days_back: int = 0) -> tuple[datetime, datetime]:
        """[start, end) in UTC of the site-local day ``days_back`` days before ``now``."""
        return sitetime.day_bounds(now, self.timezone, days_back)

    def overstayed(self, time_in: datetime, now: datetime) -> bool:
        """Still on site longer than the site allows."""
        return now - time_in > timedelta(hours=self.overstay_hours)
