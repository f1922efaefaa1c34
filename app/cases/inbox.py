"""What lands in a user's inbox, read from the task index only: the open tasks of their
roles (searched, filtered, paged), the work they completed (已办), and their reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.calendar.overrides import cached_overrides
from app.calendar.urgency import due_soon_horizon
from app.cases.search import case_matches, clean_query
from app.clock import now
from app.models import AuditEvent, Case, Notification, ProcessVersion, TaskItem, User

PER_PAGE = 30
MAX_PAGE = 10_000
DUE_STATES = {"overdue": "已逾期", "due_soon": "即将到期", "ok": "未到期", "none": "无期限"}


@dataclass(frozen=True)
class InboxQuery:
    """What the user asked the inbox for; unknown values are ignored, not errors."""

    text: str = ""
    process: str = ""
    step: str = ""
    due: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> InboxQuery:
        try:
            page = min(max(int(args.get("page", 1)), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        due = args.get("due", "")

        def printable(value, limit: int) -> str:  # NUL and control characters never reach SQL
            return "".join(c for c in str(value or "") if c.isprintable())[:limit]

        return cls(
            text=printable(clean_query(args.get("q")), 100),
            process=printable(args.get("process"), 64),
            step=printable(args.get("step"), 100),
            due=due if due in DUE_STATES else "",
            page=page,
        )


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _open_for(user: User):
    return and_(
        TaskItem.completed_at.is_(None),
        TaskItem.bureau_id == user.bureau_id,
        TaskItem.role.in_(user.roles or {"-"}),
        or_(TaskItem.claimed_by_id.is_(None), TaskItem.claimed_by_id == user.id),
    )


def _urgency_order():
    return (TaskItem.due_at.is_(None), TaskItem.due_at, TaskItem.created_at, TaskItem.id)


def actionable_tasks(session: Session, user: User, limit: int = 500) -> list[TaskItem]:
    """Open tasks of the user's roles in their bureau, unclaimed or claimed by them,
    most urgent first (no due date last)."""
    stmt = select(TaskItem).where(_open_for(user)).order_by(*_urgency_order()).limit(limit)
    return list(session.scalars(stmt).unique())


def _due_condition(state: str, at: dt.datetime, soon: dt.datetime):
    """The inbox's deadline states, as the badge beside each row reads them: a diagram's
    warning timer decides "due soon" when it has one, else one working day ahead."""
    due_soon = and_(
        TaskItem.due_at >= at,
        or_(TaskItem.warn_at <= at, and_(TaskItem.warn_at.is_(None), TaskItem.due_at <= soon)),
    )
    return {
        "overdue": TaskItem.due_at < at,
        "due_soon": due_soon,
        "ok": and_(TaskItem.due_at >= at, ~due_soon),
        "none": TaskItem.due_at.is_(None),
    }[state]


def inbox_page(session: Session, user: User, query: InboxQuery) -> Page:
    conditions = [_open_for(user)]
    if query.text:
        conditions.append(TaskItem.case_id.in_(select(Case.id).where(case_matches(query.text))))
    if query.process:
        conditions.append(TaskItem.case_id.in_(select(Case.id).where(Case.process_key == query.process)))
    if query.step:
        conditions.append(TaskItem.step == query.step)
    if query.due:
        at = now()
        conditions.append(_due_condition(query.due, at, due_soon_horizon(at, 1, cached_overrides(session))))
    total = session.scalar(select(func.count()).select_from(TaskItem).where(*conditions)) or 0
    rows = session.scalars(
        select(TaskItem)
        .where(*conditions)
        .order_by(*_urgency_order())
        .offset((query.page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).unique()
    return Page(list(rows), total, query.page)


def done_page(session: Session, user: User, query: InboxQuery) -> Page:
    """已办: the tasks this user completed, latest first."""
    conditions = [TaskItem.completed_by_id == user.id, TaskItem.outcome == "completed"]
    if query.text:
        conditions.append(TaskItem.case_id.in_(select(Case.id).where(case_matches(query.text))))
    if query.process:
        conditions.append(TaskItem.case_id.in_(select(Case.id).where(Case.process_key == query.process)))
    if query.step:
        conditions.append(TaskItem.step == query.step)
    total = session.scalar(select(func.count()).select_from(TaskItem).where(*conditions)) or 0
    rows = session.scalars(
        select(TaskItem)
        .where(*conditions)
        .order_by(TaskItem.completed_at.desc(), TaskItem.id.desc())
        .offset((query.page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).unique()
    return Page(list(rows), total, query.page)


def step_choices(session: Session, user: User) -> list[tuple[str, str, str]]:
    """(process key, step id, step name) of the steps the diagrams give to the user's
    roles, for the filters: read from the deployed versions, not from the open tasks
    (a scan of every open task of a busy bureau's role took 80 ms at a million cases)."""
    roles = set(user.roles or ())
    choices: dict[str, tuple[str, str]] = {}  # one option per step id: the filter is by id
    versions = session.execute(
        select(ProcessVersion.key, ProcessVersion.meta)
        .where(ProcessVersion.state != "draft")
        .order_by(ProcessVersion.key, ProcessVersion.number.desc())
    )
    for key, meta in versions:
        for step, info in ((meta or {}).get("steps") or {}).items():
            if info.get("role") in roles:
                choices.setdefault(step, (key, info.get("name") or step))  # the newest name
    return sorted(((key, step, name) for step, (key, name) in choices.items()), key=lambda c: (c[0], c[2]))


def reminded_task_ids(session: Session, tasks: list[TaskItem]) -> set[int]:
    """The tasks a supervisor sent a reminder (督办) about since they opened."""
    if not tasks:
        return set()
    by_case: dict[int, list[TaskItem]] = {}
    for t in tasks:
        by_case.setdefault(t.case_id, []).append(t)
    reminded = set()
    for case_id, step, at in session.execute(
        select(AuditEvent.case_id, AuditEvent.step, AuditEvent.at).where(
            AuditEvent.case_id.in_(by_case), AuditEvent.action == "reminder"
        )
    ):
        for t in by_case[case_id]:
            if t.step == step and at >= t.created_at:
                reminded.add(t.id)
    return reminded


def notifications_for(session: Session, user: User, limit: int = 20) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(
            Notification.bureau_id == user.bureau_id,
            Notification.read_at.is_(None),
            or_(
                Notification.user_id == user.id,
                and_(Notification.user_id.is_(None), Notification.role.in_(user.roles or {"-"})),
            ),
        )
        .order_by(Notification.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
