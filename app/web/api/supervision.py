"""JSON API of the supervisor console (token authenticated, supervisors only).

GET  /api/timers?state=overdue|due_soon|pending&bureau=&process=&step=&officer=&within=&page=&per_page=
     -> {"timers": [...], "counts": {...}, "total", "page", "per_page", "next_after",
         "due_soon_until", "counts_at", "counts_live"}; visible bureaus only.  The rows
     are read live; on large views the counts and total are kept, as of counts_at
     (counts_live false; see app.supervision.board_counts).
     Each row is an open task or a pending timer that guards no open task.
     overdue_working_days: working days past the due date (> 0), 0 when due today,
     minus the working days left otherwise; null without a due date.
GET  /api/stats?since=&until=&bureau=          -> the figures (see app.stats.figures), with
     computed_at (when they were computed; kept for every reader up to max_age_seconds,
     app.stats.cache) and max_age_seconds (0: computed for this request)
POST /api/tasks/<id>/remind   {"target": "auto|assignee|role", "message"}
POST /api/tasks/<id>/reassign {"to_user": id or username, "reason"}
POST /api/cases/<id>/notes    {"body", "task_id"?}
POST /api/timers/<id>/retry   -> {"outcome": "fired|failed|queued", "message"}
"""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from sqlalchemy import select

from app.calendar.overrides import load_overrides
from app.clock import iso, now, today
from app.extensions import db
from app.models import User
from app.org.access import visible_bureau_ids
from app.stats.cache import cached_figures
from app.stats.period import parse_period
from app.supervision import actions as supervision
from app.supervision.board import BoardFilter, BoardRow, load_board
from app.supervision.scope import subtree_ids
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.common import unit_of_work
from app.web.errors import json_error
from app.web.supervisor.timers import retry_incident


def board_row_json(row: BoardRow, usernames: dict[int, str]) -> dict:
    return {
        "source": row.source,
        "task_id": row.ref_id if row.source == "task" else None,
        "timer_id": row.ref_id if row.source == "timer" else None,
        "case_id": row.case_id,
        "case_number": row.case_number,
        "subject_name": row.subject_name,
        "process": row.process_key,
        "bureau_id": row.bureau_id,
        "bureau": row.bureau_name,
        "step": row.step,
        "name": row.name,
        "role": row.role,
        "kind": row.kind,
        "state": row.state,
        "due_at": iso(row.due_at),
        "overdue_working_days": row.working_days,
        "assignee": usernames.get(row.assignee_id) if row.assignee_id else None,
        "assignee_name": row.assignee_name,
        "escalated_at": iso(row.escalated_at),
        "failed": row.failed,
    }


def supervisor_required(view):
    """After token_required: 403 for users who are not supervisors."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        supervision.require_supervisor(g.api_user)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/timers")
@token_required
@supervisor_required
def list_board_timers():
    board_filter, errors = BoardFilter.from_args(request.args)
    if errors:
        return json_error(422, errors=errors)
    page = load_board(
        db.session,
        visible_bureau_ids(db.session, g.api_user),
        board_filter,
        now(),
        load_overrides(db.session),
    )
    ids = {r.assignee_id for r in page.rows if r.assignee_id}
    usernames = (
        dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}
    )
    return jsonify(
        {
            "timers": [board_row_json(r, usernames) for r in page.rows],
            "counts": page.counts,
            "total": page.total,
            "page": board_filter.page,
            "per_page": board_filter.per_page,
            "next_after": page.next_after,  # ?after=… gives the next page (keyset paging)
            "due_soon_until": iso(page.horizon),
            # the counts and total may be kept (large views): when they were taken; the rows are live
            "counts_at": iso(page.counts_at),
            "counts_live": page.counts_live,
        }
    )


@bp.route("/stats")
@token_required
@supervisor_required
def show_stats():
    at = now()
    period, errors = parse_period(request.args, today())
    if errors:
        return json_error(422, errors=errors)
    bureaus = visible_bureau_ids(db.session, g.api_user)
    bureau_id = request.args.get("bureau", type=int)
    if bureau_id:
        bureaus = subtree_ids(db.session, bureau_id, bureaus)
    computed = cached_figures(db.session, bureaus, period, at, lambda: load_overrides(db.session))
    return jsonify({**computed.data, **computed.freshness()})


def _act(operation, respond):
    result, _ = unit_of_work(operation)  # a refusal is answered by app.web.errors
    return respond(result)


@bp.route("/tasks/<int:task_id>/remind", methods=["POST"])
@token_required
def remind_task(task_id: int):
    body = json_body() or {}
    return _act(
        lambda: supervision.remind_task(
            db.session,
            g.api_user,
            task_id,
            target=str(body.get("target") or "auto"),
            message=str(body.get("message") or ""),
        ),
        lambda note: (jsonify({"notification_id": note.id, "user_id": note.user_id, "role": note.role}), 201),
    )


def _user_ref(value) -> int | None:
    """A user id, or a username (the API speaks usernames elsewhere)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip():
        return db.session.scalar(select(User.id).where(User.username == value.strip())) or -1
    return None


@bp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@token_required
def reassign_task(task_id: int):
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    return _act(
        lambda: supervision.reassign_task(
            db.session, g.api_user, task_id, _user_ref(body.get("to_user")), str(body.get("reason") or "")
        ),
        lambda item: jsonify({"task_id": item.id, "claimed_by": item.claimed_by.username}),
    )


@bp.route("/cases/<int:case_id>/notes", methods=["POST"])
@token_required
def add_case_note(case_id: int):
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    task_id = body.get("task_id")
    if task_id is not None and (not isinstance(task_id, int) or isinstance(task_id, bool)):
        return json_error(422, errors={"task_id": "应为整数"})
    return _act(
        lambda: supervision.add_note(
            db.session, g.api_user, case_id, str(body.get("body") or ""), task_id=task_id
        ),
        lambda event: (jsonify({"id": event.id, "at": iso(event.at)}), 201),
    )


@bp.route("/timers/<int:timer_id>/retry", methods=["POST"])
@token_required
def retry_timer(timer_id: int):
    outcome, message = retry_incident(g.api_user, timer_id)
    return jsonify({"outcome": outcome, "message": message})
