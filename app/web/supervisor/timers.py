"""The timer list for diagnosis, and the retry of a timer that failed to fire."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import scheduler
from app.clock import now
from app.extensions import db
from app.labels import TIMER_KINDS
from app.supervision.timers import (
    OPERATORS,
    TIMER_STATES,
    clear_incident,
    count_timers,
    timer_rows,
)
from app.web.common import role_required, unit_of_work
from app.web.supervisor.blueprint import bp, visible

PER_PAGE = 100


@bp.route("/timers")
@role_required(*OPERATORS)
def list_timers():
    ids = visible()
    counts = count_timers(db.session, ids)
    state = request.args.get("state") or ("incident" if counts["incident"] else "pending")
    if state not in TIMER_STATES:
        state = "pending"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = timer_rows(db.session, ids, state, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template(
        "supervisor/timers.html",
        rows=rows,
        state=state,
        states=TIMER_STATES,
        counts=counts,
        kinds=TIMER_KINDS,
        page=page,
        pages=max(1, -(-counts[state] // PER_PAGE)),
    )


def retry_incident(actor, timer_id: int) -> tuple[str, str]:
    """Clear the incident and commit, then fire the case's due timers at once, as the
    scheduler does (its own transaction; a new failure is a new incident).
    Returns (outcome, message): outcome is fired | failed | queued.  Shared with the API."""
    timer = clear_incident(db.session, actor, timer_id)
    db.session.commit()
    scheduler.fire_case(db.session, timer.case_id, now())  # commits, or records a new incident
    db.session.refresh(timer)
    if timer.fired_at is not None:
        return "fired", "计时器已重新触发"
    if timer.failed_at is not None:
        return "failed", f"重试仍然失败：{timer.last_error}"
    return "queued", "已重新排队，调度器将在下次运行时触发"


@bp.route("/timers/<int:timer_id>/retry", methods=["POST"])
@role_required(*OPERATORS)
def retry_timer(timer_id: int):
    result, refused = unit_of_work(lambda: retry_incident(current_user, timer_id))
    if refused is None:
        outcome, message = result
        flash(message, "error" if outcome == "failed" else "success")
    return redirect(url_for("supervisor.list_timers", state="incident"))
