"""The task inbox of each officer."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import engine
from app.cases.inbox import actionable_tasks, notifications_for
from app.clock import now
from app.extensions import db
from app.models import Notification, TaskItem
from app.web.common import get_visible_or_404, safe_next, unit_of_work

bp = Blueprint("inbox", __name__)


@bp.route("/")
@login_required
def show_inbox():
    tasks = actionable_tasks(db.session, current_user)
    notes = notifications_for(db.session, current_user)
    return render_template("inbox/inbox.html", tasks=tasks, notifications=notes)


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim_task(task_id: int):
    return _claim_action(task_id, engine.claim, "已认领")


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@login_required
def unclaim_task(task_id: int):
    return _claim_action(task_id, engine.unclaim, "已退回待认领")


def _claim_action(task_id: int, operation, done_message: str):
    get_visible_or_404(TaskItem, task_id, "任务不存在")
    unit_of_work(lambda: operation(db.session, task_id, current_user), done=done_message)
    return redirect(safe_next(request.form.get("back")) or url_for("inbox.show_inbox"))


@bp.route("/notifications/<int:note_id>/read", methods=["POST"])
@login_required
def read_notification(note_id: int):
    note = db.session.get(Notification, note_id)
    mine = (
        note is not None
        and note.bureau_id == current_user.bureau_id
        and (note.user_id == current_user.id or (note.user_id is None and note.role in current_user.roles))
    )
    if mine:
        unit_of_work(lambda: setattr(note, "read_at", now()))
    return redirect(url_for("inbox.show_inbox"))
