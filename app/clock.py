"""The one clock of the application.

Everything that needs "now" asks here (and SpiffWorkflow asks datetime.now, which
the same test tools move), so tests can travel in time with time-machine.
"""
import datetime as dt


def now() -> dt.datetime:
    """Current time, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)
