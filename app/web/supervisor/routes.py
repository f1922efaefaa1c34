"""The supervisor console (督办): the board of overdue and due-soon work and the actions
on it.  The timer list and the figures attach their views from their own modules."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user

from app.calendar.overrides import load_overrides
from app.clock import now
from app.extensions import db
from app.supervision import actions as supervision
from app.supervision.board import FIELD_LABELS, STATES, BoardFilter, load_board
from app.supervision.board_sql import UNCLAIMED
from app.supervision.scope import bureau_tree, officer_choices, process_names, step_choices
from app.web.common import role_required
from app.web.supervisor import figures, incidents, rescue, timers  # noqa: F401  (attach their views)
from app.web.supervisor.blueprint import bp, run_action, visible


@bp.route("/")
@role_required("supervisor")
def show_board():
    board_filter, errors = BoardFilter.from_args(request.args)
    if errors:
        flash(
            "筛选条件有误，已忽略：" + "；".join(f"{FIELD_LABELS.get(k, k)}{v}" for k, v in errors.items()),
            "error",
        )
    ids = visible()
    page = load_board(db.session, ids, board_filter, now(), load_overrides(db.session))
    return render_template(
        "supervisor/board.html",
        page=page,
        f=board_filter,
        states=STATES,
        unclaimed=UNCLAIMED,
        bureaus=bureau_tree(db.session, ids),
        processes=page.process_names or process_names(db.session),
        steps=step_choices(db.session),
        officers=officer_choices(db.session, ids),
        # reassignment only inside the supervisor's own bureau
        reassign_to=supervision.reassign_candidates(
            db.session,
            current_user.bureau_id,
            {r.role for r in page.rows if r.source == "task" and r.bureau_id == current_user.bureau_id},
        ),
        latest=supervision.latest_supervision(db.session, {r.case_id for r in page.rows}),
    )


@bp.route("/tasks/<int:task_id>/remind", methods=["POST"])
@role_required("supervisor")
def remind_task(task_id: int):
    return run_action(
        lambda: supervision.remind_task(
            db.session,
            current_user,
            task_id,
            target=request.form.get("target", "auto"),
            message=request.form.get("message", ""),
        ),
        "已发送督办提醒",
    )


@bp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@role_required("supervisor")
def reassign_task(task_id: int):
    return run_action(
        lambda: supervision.reassign_task(
            db.session,
            current_user,
            task_id,
            request.form.get("to_user", type=int),
            request.form.get("reason", ""),
        ),
        "已改派",
    )


@bp.route("/cases/<int:case_id>/notes", methods=["POST"])
@role_required("supervisor")
def add_note(case_id: int):
    return run_action(
        lambda: supervision.add_note(
            db.session,
            current_user,
            case_id,
            request.form.get("body", ""),
            task_id=request.form.get("task_id", type=int),
        ),
        "已添加督办备注",
    )
