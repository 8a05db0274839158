from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today_cn() -> date:
    """Dates on policies and deadlines are the district's calendar dates, in China Standard Time."""
    return datetime.now(CHINA).date()
