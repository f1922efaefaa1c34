"""Can a listed subject apply for early removal?  The system checks what it can and
shows the result to the officer; it never decides on its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from app.calendar.workdays import add_months

MIN_MONTHS_LISTED = 12


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    detail: str


def check_eligibility(
    *,
    listed_on: dt.date | None,
    today: dt.date,
    penalty_carried_out: bool,
    newer_listings: int,
    commitment_given: bool,
) -> list[dict]:
    checks: list[Check] = []
    if listed_on is None:
        checks.append(Check("listed_12_months", "列入满12个月", False, "未找到列入日期"))
    else:
        eligible_from = add_months(listed_on, MIN_MONTHS_LISTED)
        checks.append(
            Check(
                "listed_12_months",
                "列入满12个月",
                today >= eligible_from,
                f"列入日期 {listed_on.isoformat()}，满12个月之日 {eligible_from.isoformat()}",
            )
        )
    checks.append(
        Check(
            "penalty_carried_out",
            "行政处罚已履行完毕",
            bool(penalty_carried_out),
            "申请人声明已履行" if penalty_carried_out else "申请人未声明已履行",
        )
    )
    checks.append(
        Check(
            "no_newer_listing",
            "列入后未再发生应列入情形",
            newer_listings == 0,
            "未发现新的列入记录" if newer_listings == 0 else f"发现 {newer_listings} 条更新的列入记录",
        )
    )
    checks.append(
        Check(
            "commitment_given",
            "已作出信用承诺",
            bool(commitment_given),
            "已提交信用承诺书" if commitment_given else "未提交信用承诺书",
        )
    )
    return [asdict(c) for c in checks]
