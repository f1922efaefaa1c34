"""The task inbox of each officer: 待办 (searched, filtered, paged), 已办, batch work."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import engine
from app.cases.inbox import (
    DUE_STATES,
    InboxQuery,
    done_page,
    inbox_page,
    notifications_for,
    reminded_task_ids,
    step_choices,
)
from app.clock import now
from app.extensions import db
from app.models import Notification, ProcessVersion, TaskItem
from app.web.common import get_visible_or_404, safe_next, unit_of_work

bp = Blueprint("inbox", __name__)


def _process_names() -> dict[str, str]:
    names = {}
    for key, name in db.session.execute(
        select(ProcessVersion.key, ProcessVersion.name).order_by(ProcessVersion.id)
    ):
        names[key] = name
    return names


@bp.route("/")
@login_required
def show_inbox():
    query = InboxQuery.from_args(request.args)
    page = inbox_page(db.session, current_user, query)
    return render_template(
        "inbox/inbox.html",
        page=page,
        tasks=page.rows,
        query=query,
        tab="open",
        reminded=reminded_task_ids(db.session, page.rows),
        notifications=notifications_for(db.session, current_user),
        steps=step_choices(db.session, current_user),
        processes=_process_names(),
        due_states=DUE_STATES,
    )


@bp.route("/done")
@login_required
def show_done():
    query = InboxQuery.from_args(request.args)
    page = done_page(db.session, current_user, query)
    return render_template(
        "inbox/done.html", page=page, tasks=page.rows, query=query, tab="done", processes=_process_names()
    )


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim_task(task_id: int):
    return _claim_action(task_id, engine.claim, "已认领")


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@login_required
def unclaim_task(task_id: int):
    return _claim_action(task_id, engine.unclaim, "已取消认领，任务回到待认领")


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
