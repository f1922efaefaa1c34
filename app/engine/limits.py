"""The bounds no diagram may exceed, in one place.

A diagram is data a designer writes; whatever it asks for, one engine step must end
quickly and small.  These limits are checked at save where the value is visible in
the source (constants), and again at run time on what is actually computed."""

from __future__ import annotations

import datetime as dt
import re

# Timers: nothing is scheduled further than this from now (the listing's management
# period, the longest in the procedure, is 3 years; removal deadlines a few months).
HORIZON_YEARS = 20
HORIZON = dt.timedelta(days=366 * HORIZON_YEARS)
# A cycle (R/…) shorter than this would keep a timer due for ever.
MIN_CYCLE = dt.timedelta(hours=1)

# Counts the whitelisted date functions accept, per unit.
MAX_COUNT = {
    "days": 366 * HORIZON_YEARS,
    "workdays": 251 * HORIZON_YEARS,
    "months": 12 * HORIZON_YEARS,
    "years": HORIZON_YEARS,
}

# Values an expression or a script may compute.
MAX_STRING = 100_000  # characters in one computed string
MAX_ITEMS = 10_000  # items in one computed list, tuple or dict
MAX_DEPTH = 40  # nesting of one expression (parentheses, operators, calls)
MAX_STEPS = 100_000  # evaluation steps of one expression or script
MAX_SECONDS = 1.0  # wall time of one expression or script
MAX_STATE_BYTES = 2_000_000  # a case's stored state

# Tasks one engine step may run before reaching a wait state (a loop script →
# gateway → script); the bundled procedures run a few dozen at most.
MAX_ENGINE_TASKS = 1000


def horizon_from(at: dt.datetime) -> dt.datetime:
    return at + HORIZON


def horizon_message() -> str:
    return f"计时器时间超出 {HORIZON_YEARS} 年的上限"


_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_UNIT_SECONDS = (366 * 86400, 31 * 86400, 7 * 86400, 86400, 3600, 60, 1)


def _duration_seconds(text: str) -> float | None:
    match = _DURATION.match(text.strip().upper())
    if not match:
        return None
    return sum(float(v) * unit for v, unit in zip(match.groups(), _UNIT_SECONDS) if v)


def timer_text_problem(text: str, at: dt.datetime | None = None) -> str | None:
    """What is wrong with an ISO timer value (date, duration or R/… cycle) as to the
    limits; None when nothing is (or it is not ISO at all: the parser says so)."""
    from app.clock import now

    text = (text or "").strip().upper()
    at = at or now()
    parts = text.split("/")
    cycle = parts[0].startswith("R")
    if cycle:
        parts = parts[1:]
    for part in parts:
        seconds = _duration_seconds(part) if part.startswith("P") else None
        if seconds is not None:
            if seconds > HORIZON.total_seconds():
                return f"时长超过 {HORIZON_YEARS} 年的上限"
            if cycle and seconds < MIN_CYCLE.total_seconds():
                return "循环计时器的间隔不能短于 1 小时"
            continue
        if part.startswith("P"):
            continue
        try:
            moment = dt.datetime.fromisoformat(part.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        if moment > horizon_from(at):
            return f"日期超过 {HORIZON_YEARS} 年的上限"
    return None
