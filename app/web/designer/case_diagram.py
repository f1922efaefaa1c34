"""The data the case page's diagram needs: the case's version XML and which steps
are current, done or cancelled — read from the task and timer indexes, never from
the workflow state."""

from __future__ import annotations

from flask import jsonify
from flask_login import login_required
from sqlalchemy import select

from app.extensions import db
from app.models import TaskItem, Timer
from app.web.cases.routes import load_case
from app.web.designer.blueprint import bp


@bp.route("/cases/<int:case_id>/diagram.json")
@login_required
def case_diagram(case_id: int):
    case = load_case(case_id)  # the case page's own visibility rule
    tasks = db.session.execute(
        select(TaskItem.step, TaskItem.completed_at, TaskItem.outcome).where(TaskItem.case_id == case.id)
    ).all()
    timers = db.session.execute(
        select(Timer.element_id, Timer.step, Timer.fired_at, Timer.cancelled_at).where(
            Timer.case_id == case.id
        )
    ).all()
    current = {step for step, completed_at, _ in tasks if completed_at is None}
    completed = {step for step, completed_at, outcome in tasks if outcome == "completed"}
    cancelled = {step for step, completed_at, outcome in tasks if outcome == "cancelled"}
    waiting: set[str] = set()
    for element_id, step, fired_at, cancelled_at in timers:
        if fired_at is not None:
            completed.add(element_id)
        elif cancelled_at is None:
            (waiting if step else current).add(element_id)  # a boundary timer waits on its step
    version = case.process_version
    return jsonify(
        {
            "case": case.number,
            "status": case.status,
            "process": version.key,
            "version": version.number,
            "xml": version.xml,
            "current": sorted(current),
            "completed": sorted(completed - current),
            "cancelled": sorted(cancelled - completed - current),
            "waiting": sorted(waiting),
        }
    )
