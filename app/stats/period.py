"""The period figures are counted over: local dates (Asia/Shanghai), parsed from the
query arguments with limits, the last 12 months by default."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.calendar import workdays as cal


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date

    @classmethod
    def last_months(cls, today: dt.date, months: int = 12) -> "Period":
        return cls(cal.add_months(today.replace(day=1), -(months - 1)), today)

    @property
    def start_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time(0), cal.SHANGHAI).astimezone(cal.UTC)

    @property
    def end_utc(self) -> dt.datetime:
        return cal.end_of_day_utc(self.until)

    def months(self) -> list[str]:
        result, day = [], self.since.replace(day=1)
        while day <= self.until:
            result.append(f"{day:%Y-%m}")
            day = cal.add_months(day, 1)
        return result


def parse_period(args, today: dt.date) -> tuple[Period, dict[str, str]]:
    """since/until (ISO dates) from query arguments; the last 12 months by default."""
    default = Period.last_months(today)
    errors: dict[str, str] = {}
    values = {}
    for name in ("since", "until"):
        raw = (args.get(name) or "").strip()
        try:
            values[name] = dt.date.fromisoformat(raw) if raw else getattr(default, name)
        except ValueError:
            errors[name] = "日期格式应为 YYYY-MM-DD"
            values[name] = getattr(default, name)
    if values["since"] > values["until"]:
        errors["since"] = "开始日期不能晚于结束日期"
        return default, errors
    if (values["until"] - values["since"]).days > 366 * 5:
        errors["since"] = "统计区间不能超过 5 年"
        return default, errors
    return Period(values["since"], values["until"]), errors
