"""The one clock of the application.

Everything that needs "now" asks here (and SpiffWorkflow asks datetime.now, which
the same test tools move), so tests can travel in time with time-machine.
"""

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """Current time, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date in Asia/Shanghai: the date every deadline and document uses
    (between 16:00 and 24:00 UTC it is already tomorrow there)."""
    return now().astimezone(SHANGHAI).date()


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """ISO 8601 text of a date or time for JSON, None for None."""
    return value.isoformat() if value is not None else None
