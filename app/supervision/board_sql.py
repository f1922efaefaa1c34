"""The board's SQL: open tasks and pending timers of a set of bureaus, counted by state
and read one page at a time, from the task_item and timer tables only.

The page is read in due order so that both databases walk an index and stop after
the page: first the rows with a due time (tasks and timers merged, ordered by due
time then id), then, for "all pending", the tasks without one (by creation).  The
counts seek covering indexes (migration 0003_supervision).

A pending timer on a user task is the task's own deadline (or warning): the engine
keeps a boundary timer only while its task waits, so the task's row stands for it.
Other pending timers (waits, timers on non-user steps) are rows of their own.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from app.calendar.urgency import due_soon_condition
from app.models import Case, ProcessVersion, TaskItem, Timer

UNCLAIMED = "unclaimed"
_own_row_cache: dict[tuple, frozenset[str]] = {}


@dataclass(frozen=True)
class Criteria:
    """Everything that narrows the board except the state."""

    bureau_ids: frozenset[int]
    process: str = ""
    step: str = ""  # a step kind (step_kind in the diagrams) ...
    steps: frozenset[str] = frozenset()  # ... and the step ids that have it
    officer: int | str | None = None


def own_row_steps(session: Session) -> frozenset[str]:
    """Steps whose pending timers are rows of their own: the activities that timers are
    attached to, other than user tasks (read from the deployed diagrams, cached until a
    version is published).  Timers attached to nothing (waits) are rows of their own too."""
    key = tuple(
        session.execute(
            select(func.count(ProcessVersion.id), func.max(ProcessVersion.id)).where(
                ProcessVersion.state != "draft"
            )
        ).one()
    )
    if key not in _own_row_cache:
        user_tasks: set[str] = set()
        attached: set[str] = set()
        for meta in session.scalars(select(ProcessVersion.meta).where(ProcessVersion.state != "draft")):
            user_tasks.update((meta or {}).get("steps", {}))
            attached.update(t.get("step") for t in (meta or {}).get("timers", {}).values() if t.get("step"))
        _own_row_cache.clear()
        _own_row_cache[key] = frozenset(attached - user_tasks)
    return _own_row_cache[key]


def _task_branch(c: Criteria):
    stmt = select(
        literal("task", String(8)).label("source"),
        TaskItem.id.label("ref_id"),
        TaskItem.case_id,
        TaskItem.bureau_id,
        TaskItem.step,
        TaskItem.name,
        TaskItem.role,
        cast(null(), String(16)).label("kind"),
        TaskItem.due_at,
        TaskItem.warn_at,
        TaskItem.escalated_at,
        TaskItem.created_at,
        TaskItem.claimed_by_id.label("assignee_id"),
        cast(null(), Integer).label("failed"),
    ).where(TaskItem.completed_at.is_(None), TaskItem.bureau_id.in_(c.bureau_ids))
    if c.process:
        stmt = stmt.where(TaskItem.case_id.in_(select(Case.id).where(Case.process_key == c.process)))
    if c.step:
        stmt = stmt.where(TaskItem.step.in_(c.steps))
    if c.officer == UNCLAIMED:
        stmt = stmt.where(TaskItem.claimed_by_id.is_(None))
    elif c.officer is not None:
        stmt = stmt.where(TaskItem.claimed_by_id == c.officer)
    return stmt


def _timer_branch(c: Criteria, own_steps: frozenset[str] | None):
    """Pending timers attached to nothing (own_steps None), or to one of own_steps."""
    stmt = select(
        literal("timer", String(8)).label("source"),
        Timer.id.label("ref_id"),
        Timer.case_id,
        Timer.bureau_id,
        Timer.step,
        Timer.name,
        cast(null(), String(32)).label("role"),
        Timer.kind,
        Timer.due_at,
        cast(null(), Timer.due_at.type).label("warn_at"),
        cast(null(), Timer.due_at.type).label("escalated_at"),
        Timer.created_at,
        cast(null(), Integer).label("assignee_id"),
        case((Timer.failed_at.is_not(None), 1), else_=0).label("failed"),
    ).where(
        Timer.is_pending,
        Timer.bureau_id.in_(c.bureau_ids),
        Timer.step.is_(None) if own_steps is None else Timer.step.in_(own_steps),
    )
    if c.process:
        stmt = stmt.where(Timer.case_id.in_(select(Case.id).where(Case.process_key == c.process)))
    if c.step:
        stmt = stmt.where(Timer.step.in_(c.steps))
    return stmt


@dataclass(frozen=True)
class Branch:
    """One kind of board row: its select, due and warn columns, and its id column."""

    select: Select
    due: ColumnElement
    warn: ColumnElement | None
    key: ColumnElement


def _branches(session: Session, c: Criteria) -> list[Branch]:
    """The kinds of rows under the criteria.  The two kinds of timer rows are separate
    selects so that each seeks the index on step."""
    branches = [Branch(_task_branch(c), TaskItem.due_at, TaskItem.warn_at, TaskItem.id)]
    if c.officer is None:  # timers have no assignee: an officer filter leaves them out
        branches.append(Branch(_timer_branch(c, None), Timer.due_at, None, Timer.id))
        own_steps = own_row_steps(session)
        if own_steps:
            branches.append(Branch(_timer_branch(c, own_steps), Timer.due_at, None, Timer.id))
    return branches


def state_condition(due, warn, state: str, at: dt.datetime, horizon: dt.datetime):
    """overdue: the due time passed; due soon: app.calendar.urgency's rule."""
    if state == "overdue":
        return due < at
    if state == "due_soon":
        return due_soon_condition(due, warn, at, horizon)
    raise ValueError(state)


def count_states(session: Session, c: Criteria, at: dt.datetime, horizon: dt.datetime) -> dict[str, int]:
    """Rows overdue, due soon, pending (all), and pending without a due time.

    One plain count per range of due times: each seeks a covering index, where one
    count of CASE expressions would evaluate them on every open row."""
    counts = {"overdue": 0, "due_soon": 0, "pending": 0, "undated": 0}
    if not c.bureau_ids:
        return counts
    for b in _branches(session, c):
        due = b.due
        parts = [("pending", None), ("overdue", due < at)]
        if b.warn is None:
            parts.append(("due_soon", and_(due >= at, due <= horizon)))
        else:  # the step's warning timer decides where the diagram drew one
            parts += [
                ("due_soon", and_(due >= at, b.warn.is_(None), due <= horizon)),
                ("due_soon", and_(due >= at, b.warn <= at)),
                ("undated", due.is_(None)),
            ]
        for name, condition in parts:
            stmt = b.select.with_only_columns(func.count(), maintain_column_froms=True)
            if condition is not None:
                stmt = stmt.where(condition)
            counts[name] += session.scalar(stmt) or 0
    return counts


def page_rows(
    session: Session,
    c: Criteria,
    state: str,
    at: dt.datetime,
    horizon: dt.datetime,
    offset: int,
    limit: int,
    after: Cursor | None = None,
) -> tuple[list, Cursor | None]:
    """One page, most urgent first: by due time then id; rows without a due time last.
    Returns the rows and the cursor of the last one (for the page after it).

    Each kind of row is read on its own, ordered by (due time, id) with a LIMIT, which
    both databases answer by walking an index (PostgreSQL does not push the order into
    the arms of a UNION ALL); the keys are merged here and the page's rows fetched by id.
    With `after` (keyset paging) each kind seeks past the cursor instead of reading and
    skipping `offset` rows, so a deep page costs what the first one does.

    The page relies on no count (the counts may be kept, app.supervision.board_counts):
    where the rows with a due time end is seen from the rows themselves."""
    if after is not None:
        offset = 0
    branches = _branches(session, c)
    rows: list = []
    last: Cursor | None = None
    dated_seen = 0  # rows with a due time up to this page's end (all of them when fewer)
    if after is None or after[0] == "d":
        # the first page and cursor pages read whole rows; an OFFSET page reads keys
        # only (offset + limit of them) and then the page's rows by id
        whole = offset == 0
        streams = []
        key_reads = []
        for index, b in enumerate(branches):
            columns = (
                b.select if whole else b.select.with_only_columns(b.due, b.key, maintain_column_froms=True)
            )
            stmt = columns.where(b.due.is_not(None)).order_by(b.due, b.key).limit(offset + limit)
            if after is not None:
                _, due, after_index, key = after
                # past (due, key, index) of the cursor, in the merged order; the plain
                # due >= bound is what lets the index seek there (an OR alone is only a
                # filter, read from the index's start: 66 ms at a million rows)
                stmt = stmt.where(
                    b.due >= due,
                    or_(
                        b.due > due, and_(b.due == due, b.key > key if index <= after_index else b.key >= key)
                    ),
                )
            if state != "pending":
                stmt = stmt.where(state_condition(b.due, b.warn, state, at, horizon))
            if whole:
                found_rows = session.execute(stmt).mappings()
                streams.append([(row["due_at"], row["ref_id"], index, row) for row in found_rows])
            else:
                key_reads.append(stmt)
        if whole:
            # (due, id, kind) are unique: the merge never compares the rows themselves
            keys = list(islice(heapq.merge(*streams), limit))
            dated_seen = len(keys)
            rows = [row for *_key, row in keys]
        else:
            keys, dated_seen = _merged_keys(session, key_reads, offset, limit)
            found: dict[tuple[int, int], dict] = {}
            for index, b in enumerate(branches):
                ids = [key for _due, key, i, _row in keys if i == index]
                if ids:
                    for row in session.execute(b.select.where(b.key.in_(ids))).mappings():
                        found[(index, row["ref_id"])] = row
            # a row completed between the two reads is left out, not shown stale
            rows = [found[(index, key)] for _due, key, index, _row in keys if (index, key) in found]
        if keys:
            due, key, index, _row = keys[-1]
            last = ("d", due, index, key)
    ran_out = (after is not None and after[0] == "u") or dated_seen < offset + limit
    if state == "pending" and ran_out and len(rows) < limit:
        # the dated rows ran out before this page's end: the undated follow
        stmt = (
            branches[0]
            .select.where(TaskItem.due_at.is_(None))
            .order_by(TaskItem.created_at, TaskItem.id)
            .limit(limit - len(rows))
        )
        if after is not None and after[0] == "u":
            _, created, key = after
            stmt = stmt.where(
                TaskItem.created_at >= created,
                or_(TaskItem.created_at > created, and_(TaskItem.created_at == created, TaskItem.id > key)),
            )
        elif after is None:
            stmt = stmt.offset(max(0, offset - dated_seen))
        undated = session.execute(stmt).mappings().all()
        rows += undated
        if undated:
            last = ("u", undated[-1]["created_at"], undated[-1]["ref_id"])
    return rows, last


def _merged_keys(session: Session, key_reads: list, offset: int, limit: int) -> tuple[list, int]:
    """The keys (due, id, kind of row, None) of an OFFSET page, merged and skipped by the
    database: each kind's keys in index order up to the page's end (a LIMIT each, so
    PostgreSQL merges the index scans instead of sorting every open row), and the page
    cut from their merge.  Sent to Python and merged there, page 400 of a million cases
    took 200 ms.  Also returns how many rows with a due time there are up to the page's
    end (fewer than offset + limit when they run out on or before this page)."""
    arms = []
    for index, stmt in enumerate(key_reads):
        due, key = list(stmt.subquery().c)
        arms.append(select(due.label("due"), key.label("key"), literal(index, Integer).label("kind")))
    merged = (union_all(*arms) if len(arms) > 1 else arms[0]).subquery()
    page = session.execute(
        select(merged.c.due, merged.c.key, merged.c.kind)
        .order_by(merged.c.due, merged.c.key, merged.c.kind)
        .offset(offset)
        .limit(limit)
    ).all()
    keys = [(due, key, kind, None) for due, key, kind in page]
    if len(keys) == limit:
        return keys, offset + limit
    return keys, session.scalar(select(func.count()).select_from(merged)) or 0


# A position in the board's order: ("d", due time, kind of row, id) among the rows with
# a due time, ("u", created, task id) among those without.
Cursor = tuple


def encode_cursor(cursor: Cursor) -> str:
    return "~".join(v.isoformat() if isinstance(v, dt.datetime) else str(v) for v in cursor)


def decode_cursor(text: str) -> Cursor | None:
    """The cursor a page link carried, or None when it is not one."""
    parts = text.split("~")
    try:
        if parts[0] == "d" and len(parts) == 4:
            return ("d", dt.datetime.fromisoformat(parts[1]), int(parts[2]), int(parts[3]))
        if parts[0] == "u" and len(parts) == 3:
            return ("u", dt.datetime.fromisoformat(parts[1]), int(parts[2]))
    except ValueError:
        return None
    return None
