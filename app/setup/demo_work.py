"""Demo work in progress, so the supervisor's board shows its purpose on first run: repair
applications registered some working days ago whose steps are now overdue or due soon.

The engine and SpiffWorkflow read the system clock, so the demo replays those days with
time-machine (the clock moves only while init-db seeds, never while serving)."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import engine
from app.calendar import workdays as cal
from app.calendar.overrides import cached_overrides
from app.cases.repair import start_repair
from app.clock import now
from app.models import RegisterEntry, TaskItem, User

# (subject, working days ago, how far the application got)
SCENARIOS = (
    ("明远矿业有限公司", 14, "accepted"),  # 检查核实 overdue (10 working days from acceptance)
    ("县南冶金铸造厂", 6, "registered"),  # 受理审核 overdue (3 working days)
    ("新城烟花爆竹经营部", 3, "registered"),  # 受理审核 due today (its warning timer fired)
)


def _user(session: Session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _start(session: Session, name: str, accept: bool) -> None:
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == name))
    clerk = _user(session, "clerk" if entry.bureau.level == "city" else "county_clerk")
    case = start_repair(
        session,
        clerk,
        {
            "listing_id": entry.id,
            "applicant": f"{name}（委托代理人）",
            "materials": ["提前移出申请书", "信用承诺书", "整改报告"],
            "commitment_given": True,
            "penalty_carried_out": True,
        },
    )
    if accept:
        task = session.scalar(
            select(TaskItem).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
        )
        engine.complete(session, task.id, {"outcome": "accept"}, clerk)


def working_days_ago(today: dt.date, n: int, overrides: cal.Overrides) -> dt.date:
    day, counted = today, 0
    while counted < n:
        day -= dt.timedelta(days=1)
        counted += cal.is_workday(day, overrides)
    return day


def seed_work(session: Session) -> None:
    """Start the scenarios on their days, then fire what is due now (marks overdue, warns)."""
    from app.scheduler import fire_due_timers

    overrides = cached_overrides(session)
    today = cal.local_date(now())
    for name, days_ago, stage in SCENARIOS:
        day = working_days_ago(today, days_ago, overrides)
        at = dt.datetime.combine(day, dt.time(9, 30), tzinfo=cal.SHANGHAI)
        with time_machine.travel(at, tick=False):
            _start(session, name, accept=stage == "accepted")
            session.flush()
    fire_due_timers(session, now())
