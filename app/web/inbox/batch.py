"""Batch claim and batch completion of like tasks, from the inbox's ticked rows."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import engine
from app.cases.batch import BatchRefused, like_tasks, parse_ids
from app.extensions import db
from app.web.common import form_values
from app.web.inbox.routes import bp


@bp.route("/tasks/batch/claim", methods=["POST"])
@login_required
def claim_tasks():
    try:
        ids = parse_ids(request.form.getlist("task_id"))
    except BatchRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("inbox.show_inbox"))
    done, problems = 0, []
    for task_id in ids:
        try:
            engine.claim(db.session, task_id, current_user)
            db.session.commit()
            done += 1
        except engine.EngineError as exc:
            db.session.rollback()
            problems.append(exc.message)
    if done:
        flash(f"已认领 {done} 项任务", "success")
    for message in dict.fromkeys(problems):
        flash(message, "error")
    return redirect(url_for("inbox.show_inbox"))


@bp.route("/tasks/batch", methods=["GET", "POST"])
@login_required
def complete_tasks():
    """GET shows the step's form for the ticked tasks; POST completes each of them with
    the same values, one engine step (and commit) each, and reports every failure."""
    try:
        ids = parse_ids(request.values.getlist("task_id"))
        tasks = like_tasks(db.session, current_user, ids)
    except (BatchRefused, engine.NotAllowed) as exc:
        flash(exc.message, "error")
        return redirect(url_for("inbox.show_inbox"))

    first = tasks[0]
    # files belong to one case: a batch sends the same text to many, never files
    fields = [f for f in engine.task_form(first.case.process_version, first.step) if f.type != "file"]
    values, errors, failures = {}, {}, []
    if request.method == "POST" and request.form.get("confirm") == "1":
        values = form_values(fields)
        done = 0
        for item in tasks:
            try:
                engine.complete(db.session, item.id, values, current_user)
                db.session.commit()
                done += 1
            except engine.FormInvalid as exc:
                db.session.rollback()
                errors = exc.errors
                break
            except engine.EngineError as exc:
                db.session.rollback()
                failures.append(f"{item.case.number}：{exc.message}")
        if done and not failures and not errors:
            flash(f"已批量办理“{first.name}” {done} 项", "success")
            return redirect(url_for("inbox.show_inbox"))
        if done:
            flash(f"已办理 {done} 项；以下任务未办理", "success")
        tasks = [t for t in tasks if t.completed_at is None]
        if not tasks:
            return redirect(url_for("inbox.show_inbox"))
    return render_template(
        "inbox/batch.html",
        tasks=tasks,
        first=first,
        fields=fields,
        values=values,
        errors=errors,
        failures=failures,
    )
