"""The supervisor's board: open tasks and pending timers of the visible bureaus, most
urgent first.

It reads the task and timer indexes only, never a workflow.  A page is one ordered
UNION ALL with LIMIT/OFFSET over indexed columns, plus one aggregate for the
counts; names (case, officer, bureau) and the working days overdue or left are
looked up for the rows of that page only.

Rows:
- every open task (its due time is that of the deadline or cutoff timer guarding it);
- every pending timer that guards no open task (a wait before a follow-up, a timer
  on a non-user step).  A deadline timer of an open task is the task's own row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import Integer, String, and_, case, cast, exists, func, literal, null, or_, select
from sqlalchemy.orm import Session

from app import calendar as cal
from app.models import Bureau, Case, ProcessVersion, TaskItem, Timer, User, UserRole

STATES = {"overdue": "已逾期", "due_soon": "即将到期", "pending": "全部待办"}
DEFAULT_WITHIN = 3  # "due soon": within this many working days
MAX_WITHIN = 30
PER_PAGE = 50
MAX_PER_PAGE = 200
UNCLAIMED = "unclaimed"


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
        for name, low, high in (("within", 0, MAX_WITHIN), ("bureau", 1, None), ("page", 1, None),
                                ("per_page", 1, MAX_PER_PAGE)):
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
        values = {"state": self.state, "within": self.within, "bureau": self.bureau_id,
                  "process": self.process, "step": self.step, "officer": self.officer, "page": self.page}
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
    def overdue_working_days(self) -> int | None:
        return self.working_days

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
    process_names: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filter.per_page))


# --- bureaus -----------------------------------------------------------------

def bureau_tree(session: Session, root_ids: set[int]) -> list[tuple[Bureau, int]]:
    """The visible bureaus in tree order, with their depth (for an indented select)."""
    bureaus = list(session.scalars(select(Bureau).order_by(Bureau.id)))
    children: dict[int | None, list[Bureau]] = {}
    for b in bureaus:
        children.setdefault(b.parent_id, []).append(b)
    tops = [b for b in bureaus if b.id in root_ids and b.parent_id not in root_ids]
    ordered: list[tuple[Bureau, int]] = []

    def walk(node: Bureau, depth: int) -> None:
        ordered.append((node, depth))
        for child in children.get(node.id, []):
            walk(child, depth + 1)
    for top in tops:
        walk(top, 0)
    return [(b, d) for b, d in ordered if b.id in root_ids]


def subtree_ids(session: Session, bureau_id: int, within: set[int]) -> set[int]:
    """bureau_id and every bureau below it, limited to `within`."""
    parents = dict(session.execute(select(Bureau.id, Bureau.parent_id)).all())
    found = {bureau_id}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found & within


# --- the query ---------------------------------------------------------------

def due_soon_horizon(at: dt.datetime, within: int, overrides: cal.Overrides) -> dt.datetime:
    """End (23:59:59 Shanghai) of the `within`-th working day after today."""
    return cal.add_working_days(cal.local_date(at), within, overrides).end_utc


def _task_branch(bureau_ids: set[int], f: BoardFilter):
    stmt = select(
        literal("task", String(8)).label("source"), TaskItem.id.label("ref_id"), TaskItem.case_id,
        TaskItem.bureau_id, TaskItem.step, TaskItem.name, TaskItem.role,
        cast(null(), String(16)).label("kind"), TaskItem.due_at, TaskItem.warn_at, TaskItem.escalated_at,
        TaskItem.created_at, TaskItem.claimed_by_id.label("assignee_id"),
        cast(null(), Integer).label("failed"),
    ).where(TaskItem.completed_at.is_(None), TaskItem.bureau_id.in_(bureau_ids))
    if f.process:
        stmt = stmt.join(Case, Case.id == TaskItem.case_id).where(Case.process_key == f.process)
    if f.step:
        stmt = stmt.where(TaskItem.step == f.step)
    if f.officer == UNCLAIMED:
        stmt = stmt.where(TaskItem.claimed_by_id.is_(None))
    elif f.officer is not None:
        stmt = stmt.where(TaskItem.claimed_by_id == f.officer)
    return stmt


def _timer_branch(bureau_ids: set[int], f: BoardFilter):
    guarded = exists().where(TaskItem.case_id == Timer.case_id, TaskItem.step == Timer.step,
                             TaskItem.completed_at.is_(None))
    stmt = select(
        literal("timer", String(8)).label("source"), Timer.id.label("ref_id"), Timer.case_id,
        Timer.bureau_id, Timer.step, Timer.name, cast(null(), String(32)).label("role"),
        Timer.kind, Timer.due_at, cast(null(), Timer.due_at.type).label("warn_at"),
        cast(null(), Timer.due_at.type).label("escalated_at"), Timer.created_at,
        cast(null(), Integer).label("assignee_id"),
        case((Timer.failed_at.is_not(None), 1), else_=0).label("failed"),
    ).where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None), Timer.bureau_id.in_(bureau_ids),
            or_(Timer.step.is_(None), ~guarded))
    if f.process:
        stmt = stmt.join(Case, Case.id == Timer.case_id).where(Case.process_key == f.process)
    if f.step:
        stmt = stmt.where(Timer.step == f.step)
    return stmt


def _state_condition(due, warn, state: str, at: dt.datetime, horizon: dt.datetime):
    """overdue: the due time passed; due soon: due within the window, or a warning timer
    of the step has fired (warn_at passed)."""
    if state == "overdue":
        return due < at
    if state == "due_soon":
        soon = due <= horizon if warn is None else or_(due <= horizon, warn <= at)
        return and_(due >= at, soon)
    raise ValueError(state)


def _branches(bureau_ids: set[int], f: BoardFilter) -> list[tuple]:
    """(select, its due column, its warn column or None) for each kind of row."""
    branches = [(_task_branch(bureau_ids, f), TaskItem.due_at, TaskItem.warn_at)]
    if f.officer is None:  # timers have no assignee: an officer filter leaves them out
        branches.append((_timer_branch(bureau_ids, f), Timer.due_at, None))
    return branches


def count_states(session: Session, bureau_ids: set[int], f: BoardFilter, at: dt.datetime,
                 horizon: dt.datetime) -> dict[str, int]:
    """How many rows are overdue, due soon and pending under the filter's other criteria."""
    counts = {"overdue": 0, "due_soon": 0, "pending": 0}
    if not bureau_ids:
        return counts
    for branch, due, warn in _branches(bureau_ids, f):
        totals = branch.with_only_columns(
            func.count(),
            func.coalesce(func.sum(case((_state_condition(due, warn, "overdue", at, horizon), 1), else_=0)), 0),
            func.coalesce(func.sum(case((_state_condition(due, warn, "due_soon", at, horizon), 1), else_=0)), 0),
            maintain_column_froms=True)
        total, overdue, due_soon = session.execute(totals).one()
        counts["pending"] += int(total)
        counts["overdue"] += int(overdue)
        counts["due_soon"] += int(due_soon)
    return counts


def working_days_late(due_at: dt.datetime, at: dt.datetime, overrides: cal.Overrides) -> int:
    """Working days overdue (> 0), 0 when due later today, or minus the working days left.

    Overdue counts at least 1, as the inbox does: a deadline passed is a day lost."""
    n = cal.working_days_between(cal.local_date(due_at), cal.local_date(at), overrides)
    return max(n, 1) if due_at < at else n


def row_state(row: BoardRow, at: dt.datetime, horizon: dt.datetime) -> str:
    if row.due_at is None:
        return "pending"
    if row.due_at < at:
        return "overdue"
    if row.due_at <= horizon or (row.warn_at is not None and row.warn_at <= at):
        return "due_soon"
    return "pending"


def load_board(session: Session, bureau_ids: set[int], f: BoardFilter, at: dt.datetime,
               overrides: cal.Overrides) -> BoardPage:
    """One page of the board for a user who sees `bureau_ids`."""
    if f.bureau_id is not None:
        bureau_ids = subtree_ids(session, f.bureau_id, bureau_ids)
    horizon = due_soon_horizon(at, f.within, overrides)
    page = BoardPage(rows=[], counts=count_states(session, bureau_ids, f, at, horizon), filter=f,
                     horizon=horizon, at=at)
    page.total = page.counts[f.state]
    if not bureau_ids or not page.total:
        return page
    selects = [branch if f.state == "pending" else branch.where(_state_condition(due, warn, f.state, at, horizon))
               for branch, due, warn in _branches(bureau_ids, f)]
    combined = (selects[0].union_all(*selects[1:]) if len(selects) > 1 else selects[0]).subquery("board")
    stmt = (select(combined)
            .order_by(combined.c.due_at.asc().nulls_last(), combined.c.created_at, combined.c.source,
                      combined.c.ref_id)
            .limit(f.per_page).offset((f.page - 1) * f.per_page))
    for r in session.execute(stmt).mappings():
        page.rows.append(BoardRow(
            source=r["source"], ref_id=r["ref_id"], case_id=r["case_id"], bureau_id=r["bureau_id"],
            step=r["step"], name=r["name"], role=r["role"], kind=r["kind"] or "task", due_at=r["due_at"],
            warn_at=r["warn_at"], escalated_at=r["escalated_at"], created_at=r["created_at"],
            assignee_id=r["assignee_id"], failed=bool(r["failed"])))
    _describe(session, page, overrides)
    return page


def _describe(session: Session, page: BoardPage, overrides: cal.Overrides) -> None:
    """Names, timer kinds and working days for the page's rows (a few keyed queries)."""
    rows = page.rows
    case_ids = {r.case_id for r in rows}
    cases = {c.id: c for c in session.execute(select(
        Case.id, Case.number, Case.subject_name, Case.process_key).where(Case.id.in_(case_ids)))}
    user_ids = {r.assignee_id for r in rows if r.assignee_id}
    users = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) \
        if user_ids else {}
    bureaus = dict(session.execute(select(Bureau.id, Bureau.name).where(
        Bureau.id.in_({r.bureau_id for r in rows}))).all())
    page.process_names = process_names(session)
    task_rows = [r for r in rows if r.source == "task"]
    kinds: dict[tuple[int, str], str] = {}
    if task_rows:
        for case_id, step, kind in session.execute(select(Timer.case_id, Timer.step, Timer.kind).where(
                Timer.case_id.in_({r.case_id for r in task_rows}), Timer.cancelled_at.is_(None),
                Timer.kind.in_(("deadline", "cutoff"))).order_by(Timer.due_at.desc())):
            kinds[(case_id, step)] = kind
    for r in rows:
        c = cases.get(r.case_id)
        if c is not None:
            r.case_number, r.subject_name, r.process_key = c.number, c.subject_name, c.process_key
        r.bureau_name = bureaus.get(r.bureau_id, "")
        r.assignee_name = users.get(r.assignee_id) if r.assignee_id else None
        if r.source == "task" and r.due_at is not None:
            r.kind = kinds.get((r.case_id, r.step or ""), "deadline")
        r.state = row_state(r, page.at, page.horizon)
        if r.due_at is not None:
            r.working_days = working_days_late(r.due_at, page.at, overrides)


# --- choices for the filter form ----------------------------------------------

def process_names(session: Session) -> dict[str, str]:
    """Process key -> name of its latest version."""
    names: dict[str, str] = {}
    for key, name in session.execute(select(ProcessVersion.key, ProcessVersion.name)
                                     .order_by(ProcessVersion.key, ProcessVersion.number)):
        names[key] = name
    return names


def step_choices(session: Session) -> list[tuple[str, str, str]]:
    """(process key, step id, step name) of the user tasks of published processes."""
    choices = []
    for key, meta in session.execute(select(ProcessVersion.key, ProcessVersion.meta).where(
            ProcessVersion.state == "published").order_by(ProcessVersion.key)):
        for step_id, info in (meta or {}).get("steps", {}).items():
            choices.append((key, step_id, info.get("name") or step_id))
    return choices


def officer_choices(session: Session, bureau_ids: set[int]) -> list[User]:
    """Active users who hold a role that works tasks, in the visible bureaus."""
    stmt = (select(User).where(User.bureau_id.in_(bureau_ids), User.active.is_(True),
                               User.id.in_(select(UserRole.user_id).where(
                                   UserRole.role.not_in(("supervisor", "designer", "admin")))))
            .order_by(User.bureau_id, User.username))
    return list(session.scalars(stmt).unique())
