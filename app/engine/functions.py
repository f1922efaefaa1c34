"""The functions a diagram may call: the one registry that the expression
validator allows and the script environment exposes.

Two kinds:
- pure functions (dates, deadlines): allowed everywhere (timers, conditions, forms);
- actions (change the register, record things): allowed only in script tasks. They
  act through the RunContext of the engine step that runs them, inside its
  transaction.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from app import clock
from app.calendar import workdays as cal
from app.engine import limits


@dataclass
class RunContext:
    """What an action may touch while one engine step runs."""

    session: Any
    case: Any
    actor: Any
    data: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    done_kinds: frozenset[str] = frozenset()  # step kinds the case has completed
    # Timer events the engine passed in this step ({engine task id: (element, due)}),
    # and those the scheduler records itself: the others fired at once (a date
    # entered in the past) and are recorded by the step, so none goes unseen.
    timers_run: dict = field(default_factory=dict)
    timers_recorded: set = field(default_factory=set)
    # The user task this step completes (its id and what was submitted), recorded in
    # the history only once the step is saved: the register's preconditions read it.
    completing: tuple[str, dict] | None = None


current_run: contextvars.ContextVar[RunContext | None] = contextvars.ContextVar("current_run", default=None)

PURE: dict[str, Callable[..., Any]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {}
DESCRIPTIONS: dict[str, str] = {}
# Functions taking a count: name -> (argument position, unit of limits.MAX_COUNT); a
# constant count over the limit is refused when the diagram is saved.
COUNT_ARGUMENTS: dict[str, tuple[int, str]] = {}


# Where working-day arithmetic gets the administrators' overrides.  Set by the app
# (app.calendar.overrides) so this module needs no database import.
def _no_overrides() -> cal.Overrides:
    return cal.NO_OVERRIDES


overrides_provider: Callable[[], cal.Overrides] = _no_overrides


def pure(description: str, count: tuple[int, str] | None = None):
    def register(fn):
        PURE[fn.__name__] = fn
        DESCRIPTIONS[fn.__name__] = description
        if count is not None:
            COUNT_ARGUMENTS[fn.__name__] = count
        return fn

    return register


def action(description: str):
    def register(fn):
        ACTIONS[fn.__name__] = fn
        DESCRIPTIONS[fn.__name__] = description
        return fn

    return register


def run_context() -> RunContext:
    ctx = current_run.get()
    if ctx is None:
        raise RuntimeError("an action ran outside an engine step")
    return ctx


EARLIEST_DATE = dt.date(1900, 1, 1)


def _as_date(value: Any) -> dt.date:
    """A date a diagram passes in, from 1900 to the engine's horizon after today: beyond
    those the calendar arithmetic would overflow (year 9999) or mean nothing."""
    if isinstance(value, dt.datetime):
        day = cal.local_date(value)
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value)[:40]
        try:
            day = (
                cal.local_date(dt.datetime.fromisoformat(text))
                if "T" in text
                else dt.date.fromisoformat(text[:10])
            )
        except (ValueError, OverflowError):
            raise ValueError(f"“{text}”不是日期（应为 2026-03-09）") from None
    latest = clock.today() + limits.HORIZON
    if not EARLIEST_DATE <= day <= latest:
        raise ValueError(
            f"日期 {day.isoformat()} 超出允许范围（{EARLIEST_DATE.year} 年以后、今后 {limits.HORIZON_YEARS} 年以内）"
        )
    return day


def _deadline_iso(deadline: cal.Deadline) -> str:
    warning = deadline.warning()
    ctx = current_run.get()
    if warning and ctx is not None and warning not in ctx.warnings:
        ctx.warnings.append(warning)
    return deadline.end_utc.isoformat()


def _to_int(n: Any, unit: str = "days") -> int:
    """A count of `unit` (days, workdays, months, years) within the engine's limits."""
    if isinstance(n, bool) or not isinstance(n, (int, float)) or n != n or n in (float("inf"), float("-inf")):
        raise ValueError(f"天数/月数必须是非负整数：{n!r}")
    if int(n) != n or n < 0:
        raise ValueError(f"天数/月数必须是非负整数：{n!r}")
    if n > limits.MAX_COUNT[unit]:
        raise ValueError(
            f"数值 {int(n)} 超出上限 {limits.MAX_COUNT[unit]}（不超过 {limits.HORIZON_YEARS} 年）"
        )
    return int(n)


# --- pure functions ---------------------------------------------------------


@pure("今天（北京时间）的日期，ISO 格式")
def today() -> str:
    return clock.today().isoformat()


@pure("从今天起第 n 个工作日结束时（不含当日）", count=(0, "workdays"))
def working_days(n) -> str:
    return working_days_from(today(), n)


@pure("从指定日期起第 n 个工作日结束时（不含当日）", count=(1, "workdays"))
def working_days_from(start, n) -> str:
    return _deadline_iso(cal.add_working_days(_as_date(start), _to_int(n, "workdays"), overrides_provider()))


def _calendar_period_end(day: dt.date) -> str:
    """A deadline in calendar days, months or years: a last day that is a rest day
    moves to the next working day."""
    return _deadline_iso(cal.period_end_on_working_day(day, overrides_provider()))


@pure("从今天起 n 个自然日结束时（届满日为休息日的，顺延至其后第一个工作日）", count=(0, "days"))
def calendar_days(n) -> str:
    return _calendar_period_end(_as_date(today()) + dt.timedelta(days=_to_int(n)))


@pure("从今天起 n 个月（当日结束时；届满日为休息日的，顺延至其后第一个工作日）", count=(0, "months"))
def months(n) -> str:
    return months_from(today(), n)


@pure("从指定日期起 n 个月（当日结束时；届满日为休息日的，顺延至其后第一个工作日）", count=(1, "months"))
def months_from(start, n) -> str:
    return _calendar_period_end(cal.add_months(_as_date(start), _to_int(n, "months")))


@pure("从今天起 n 年（当日结束时；届满日为休息日的，顺延）", count=(0, "years"))
def years(n) -> str:
    return months(_to_int(n, "years") * 12)


@pure("从指定日期起 n 年（当日结束时；届满日为休息日的，顺延）", count=(1, "years"))
def years_from(start, n) -> str:
    return months_from(start, _to_int(n, "years") * 12)


@pure("日期写成“2026年12月2日”（日期或时刻均可，时刻按北京时间）")
def cn_date(day) -> str:
    value = _as_date(day)
    return f"{value.year}年{value.month}月{value.day}日"


@pure("数值或列表的长度")
def count(value) -> int:
    if not value:
        return 0
    if not isinstance(value, (list, tuple, dict, str)):
        raise ValueError(f"count() 只能计算列表或文字的长度，得到的是 {type(value).__name__}")
    return len(value)


@pure("本案件是否已办理过某类环节（按环节类型 step_kind），如 done_kind('supplement')")
def done_kind(kind) -> bool:
    ctx = current_run.get()
    return ctx is not None and str(kind) in ctx.done_kinds


def allowed_in_expressions() -> dict[str, Callable[..., Any]]:
    return dict(PURE)


def allowed_in_scripts() -> dict[str, Callable[..., Any]]:
    return {**PURE, **ACTIONS}
