"""The consistency check: every case's stored workflow agrees with its index rows.

For each case: the open task_item rows are exactly the workflow's READY user tasks,
the pending timer rows exactly its WAITING timers with a due time, and the status
says completed exactly when the workflow is.  Run after a crash (kill -9 mid-step) or
a restore: a step is one transaction, so nothing should ever be found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.engine import store
from app.engine.indexes import timer_due, waiting_timers
from app.models import Case, CaseStatus, TaskItem, Timer

BATCH = 200


@dataclass(frozen=True)
class Mismatch:
    case_id: int
    problem: str

    def describe(self) -> str:
        return f"case {self.case_id}: {self.problem}"


def check_case(session: Session, case: Case) -> list[str]:
    problems: list[str] = []
    open_items = set(
        session.scalars(
            select(TaskItem.engine_task_id).where(
                TaskItem.case_id == case.id, TaskItem.completed_at.is_(None)
            )
        )
    )
    pending = set(
        session.scalars(select(Timer.engine_task_id).where(Timer.case_id == case.id, Timer.is_pending))
    )
    if case.status == CaseStatus.CANCELLED:  # ended by an administrator: nothing may wait
        ready, waiting, finished = set(), set(), True
    else:
        workflow = store.restore(case)
        finished = workflow.is_completed()
        ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        waiting = {str(t.id) for t in waiting_timers(workflow) if timer_due(t) is not None}
        if finished:
            ready, waiting = set(), set()
    if finished != (case.status != CaseStatus.ACTIVE):
        problems.append(f"status {case.status} but the workflow is {'finished' if finished else 'running'}")
    if open_items != ready:
        problems.append(f"open tasks {sorted(open_items)} but the workflow has ready tasks {sorted(ready)}")
    if pending != waiting:
        problems.append(f"pending timers {sorted(pending)} but the workflow waits on {sorted(waiting)}")
    return problems


def check_all(session: Session) -> Iterator[Mismatch | int]:
    """Mismatches over every case, in id order; finally the number of cases checked."""
    checked, last = 0, 0
    while True:
        cases = session.scalars(
            select(Case).options(undefer(Case.state)).where(Case.id > last).order_by(Case.id).limit(BATCH)
        ).all()
        if not cases:
            break
        for case in cases:
            for problem in check_case(session, case):
                yield Mismatch(case.id, problem)
            last = case.id
            checked += 1
        session.expunge_all()  # bounded memory over many cases
    yield checked
