"""The supervisor's board: open tasks and pending timers of the visible bureaus, most
urgent first, with how many working days each is overdue or has left.

It reads the task and timer indexes only, never a workflow (the SQL is in
supervision_query).  Names (case, officer, bureau), timer kinds and working days
are looked up for the rows of the current page only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.calendar.urgency import (
    DUE_SOON,
    DUE_SOON_WORKING_DAYS,
    OVERDUE,
    WorkdayCounter,
    due_soon_horizon,
    urgency,
    working_days_late,
)
from app.models import Bureau, Case, Timer, User
from app.supervision.board_counts import board_counts, setting
from app.supervision.board_sql import (
    UNCLAIMED,
    Criteria,
    decode_cursor,
    encode_cursor,
    page_rows,
)
from app.supervision.scope import process_names, steps_of_kind, subtree_ids

STATES = {"overdue": "已逾期", "due_soon": "即将到期", "pending": "全部待办"}
DEFAULT_WITHIN = DUE_SOON_WORKING_DAYS  # steps without a warning timer: due within this many working days
MAX_WITHIN = 30
PER_PAGE = 50
MAX_PER_PAGE = 200
FIELD_LABELS = {
    "state": "状态",
    "within": "即将到期天数",
    "bureau": "机关",
    "page": "页码",
    "per_page": "每页条数",
    "officer": "办理人",
    "after": "翻页位置",
}
MAX_CURSOR = 100


@dataclass(frozen=True)
class BoardFilter:
    state: str = "pending"
    within: int = DEFAULT_WITHIN
    bureau_id: int | None = None  # a bureau and the bureaus below it
    process: str = ""
    step: str = ""
    officer: int | str | None = None  # a user id, or UNCLAIMED
    page: int = 1
    per_page: int = PER_PAGE
    after: str = ""  # keyset paging: the cursor of the row before this page

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple["BoardFilter", dict[str, str]]:
        """Parse query arguments; returns the filter (invalid values dropped) and field errors."""
        errors: dict[str, str] = {}
        values: dict = {}
        state = (args.get("state") or "pending").strip()
        if state in STATES:
            values["state"] = state
        else:
            errors["state"] = f"状态应为 {'、'.join(STATES)} 之一"
        for name, low, high in (
            ("within", 0, MAX_WITHIN),
            ("bureau", 1, None),
            ("page", 1, None),
            ("per_page", 1, MAX_PER_PAGE),
        ):
            raw = (args.get(name) or "").strip()
            if not raw:
                continue
            try:
                number = int(raw)
                if number < low or (high is not None and number > high):
                    raise ValueError
            except ValueError:
                errors[name] = f"应为 {low} 到 {high} 之间的整数" if high else f"应为不小于 {low} 的整数"
                continue
            values["bureau_id" if name == "bureau" else name] = number
        for name in ("process", "step"):
            values[name] = (args.get(name) or "").strip()[:100]
        after = (args.get("after") or "").strip()
        if after:
            if len(after) <= MAX_CURSOR and decode_cursor(after) is not None:
                values["after"] = after
            else:
                errors["after"] = "无效，请从第一页重新翻页"
        officer = (args.get("officer") or "").strip()
        if officer == UNCLAIMED:
            values["officer"] = UNCLAIMED
        elif officer:
            if officer.isdigit():
                values["officer"] = int(officer)
            else:
                errors["officer"] = "应为用户编号或 unclaimed"
        return cls(**values), errors

    def to_args(self, **changes) -> dict:
        """Query arguments that reproduce this filter (defaults left out), with changes."""
        values = {
            "state": self.state,
            "within": self.within,
            "bureau": self.bureau_id,
            "process": self.process,
            "step": self.step,
            "officer": self.officer,
            "page": self.page,
            "after": self.after,
        }
        if "after" in changes:
            values["page"] = None  # a cursor replaces the page number
        elif changes:
            values["after"] = None  # another page number or filter: the cursor no longer applies
        values.update(changes)
        defaults = {"state": "pending", "within": DEFAULT_WITHIN, "page": 1}
        return {k: v for k, v in values.items() if v not in (None, "") and defaults.get(k) != v}


@dataclass
class BoardRow:
    source: str  # task | timer
    ref_id: int  # TaskItem.id or Timer.id
    case_id: int
    bureau_id: int
    step: str | None
    name: str
    role: str | None
    kind: str  # deadline | cutoff | warning | wait | task (an open task without a timer)
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    escalated_at: dt.datetime | None
    created_at: dt.datetime
    assignee_id: int | None
    failed: bool = False
    case_number: str = ""
    subject_name: str = ""
    process_key: str = ""
    bureau_name: str = ""
    assignee_name: str | None = None
    state: str = "pending"  # overdue | due_soon | pending
    working_days: int | None = None  # overdue by (>0), due today (0), left (<0)

    @property
    def days_left(self) -> int | None:
        return -self.working_days if self.working_days is not None and self.working_days <= 0 else None


@dataclass
class BoardPage:
    rows: list[BoardRow]
    counts: dict[str, int]  # overdue, due_soon, pending
    filter: BoardFilter
    horizon: dt.datetime  # end of the "due soon" window
    at: dt.datetime
    total: int = 0
    # when the counts (and total) were taken; the rows are always read at `at`
    counts_at: dt.datetime | None = None
    counts_live: bool = True  # counted for this page, or kept (see board_counts)
    counts_every: int = 0  # seconds between the scheduler's counts of a kept view
    process_names: dict[str, str] = field(default_factory=dict)
    next_after: str | None = None  # the cursor of the page after this one, if there is one

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filter.per_page))


def row_state(row: BoardRow, at: dt.datetime, horizon: dt.datetime) -> str:
    state = urgency(row.due_at, row.warn_at, at, horizon)
    return state if state in (OVERDUE, DUE_SOON) else "pending"


def load_board(
    session: Session, bureau_ids: set[int], f: BoardFilter, at: dt.datetime, overrides: cal.Overrides
) -> BoardPage:
    """One page of the board for a user who sees `bureau_ids`."""
    if f.bureau_id is not None:
        bureau_ids = subtree_ids(session, f.bureau_id, bureau_ids)
    criteria = Criteria(
        frozenset(bureau_ids),
        process=f.process,
        step=f.step,
        steps=steps_of_kind(session, f.step) if f.step else frozenset(),
        officer=f.officer,
    )
    horizon = due_soon_horizon(at, f.within, overrides)
    counts = board_counts(session, criteria, f.within, at, horizon)
    page = BoardPage(
        rows=[],
        counts={k: counts.values[k] for k in STATES},
        filter=f,
        horizon=horizon,
        at=at,
        total=counts.values[f.state],
        counts_at=counts.taken_at,
        counts_live=counts.live,
        counts_every=setting("BOARD_COUNTS_REFRESH_SECONDS"),
    )
    if counts.live and not page.total:
        return page
    # kept counts may be a minute old: the rows are read whatever they say
    rows, last = page_rows(
        session,
        criteria,
        f.state,
        at,
        horizon,
        offset=(f.page - 1) * f.per_page,
        limit=f.per_page,
        after=decode_cursor(f.after) if f.after else None,
    )
    if last is not None and len(rows) == f.per_page:
        page.next_after = encode_cursor(last)
    for r in rows:
        page.rows.append(
            BoardRow(
                source=r["source"],
                ref_id=r["ref_id"],
                case_id=r["case_id"],
                bureau_id=r["bureau_id"],
                step=r["step"],
                name=r["name"],
                role=r["role"],
                kind=r["kind"] or "task",
                due_at=r["due_at"],
                warn_at=r["warn_at"],
                escalated_at=r["escalated_at"],
                created_at=r["created_at"],
                assignee_id=r["assignee_id"],
                failed=bool(r["failed"]),
            )
        )
    _describe(session, page, overrides)
    return page


def _describe(session: Session, page: BoardPage, overrides: cal.Overrides) -> None:
    """Names, timer kinds and working days for the page's rows (a few keyed queries)."""
    rows = page.rows
    if not rows:
        return
    cases = {
        c.id: c
        for c in session.execute(
            select(Case.id, Case.number, Case.subject_name, Case.process_key).where(
                Case.id.in_({r.case_id for r in rows})
            )
        )
    }
    user_ids = {r.assignee_id for r in rows if r.assignee_id}
    users = (
        dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    bureaus = dict(
        session.execute(
            select(Bureau.id, Bureau.name).where(Bureau.id.in_({r.bureau_id for r in rows}))
        ).all()
    )
    page.process_names = process_names(session)
    task_rows = [r for r in rows if r.source == "task" and r.due_at is not None]
    kinds: dict[tuple[int, str | None], str] = {}
    if task_rows:  # the kind of timer that set each task's due time (deadline or cutoff)
        for case_id, step, kind in session.execute(
            select(Timer.case_id, Timer.step, Timer.kind)
            .where(
                Timer.case_id.in_({r.case_id for r in task_rows}),
                Timer.cancelled_at.is_(None),
                Timer.kind.in_(("deadline", "cutoff")),
            )
            .order_by(Timer.due_at.desc())
        ):
            kinds[(case_id, step)] = kind
    today = cal.local_date(page.at)
    dated = [cal.local_date(r.due_at) for r in rows if r.due_at is not None] + [today]
    counter = WorkdayCounter(min(dated), max(dated), overrides)
    for r in rows:
        c = cases.get(r.case_id)
        if c is not None:
            r.case_number, r.subject_name, r.process_key = c.number, c.subject_name, c.process_key
        r.bureau_name = bureaus.get(r.bureau_id, "")
        r.assignee_name = users.get(r.assignee_id) if r.assignee_id else None
        if r.source == "task" and r.due_at is not None:
            r.kind = kinds.get((r.case_id, r.step), "deadline")
        r.state = row_state(r, page.at, page.horizon)
        if r.due_at is not None:
            r.working_days = working_days_late(r.due_at, page.at, counter)
