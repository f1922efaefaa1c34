"""Case pages: start a repair application, work a task, read a case."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import engine
from app.cases import repair
from app.cases.subjects import case_subjects
from app.cases.views import case_rows
from app.extensions import db
from app.models import AuditEvent, Case, EntryStatus, RegisterEntry, TaskItem, Timer
from app.org.access import visible_bureau_ids
from app.platforms.records import entry_deliveries
from app.register.documents import documents_for
from app.web.common import field_errors, form_values, get_visible_or_404, role_required, unit_of_work

bp = Blueprint("cases", __name__)


def load_case(case_id: int) -> Case:
    """The case, or 404 when it does not exist or the user's bureaus cannot see it."""
    return get_visible_or_404(Case, case_id, "案件不存在")


def load_task_item(task_id: int) -> TaskItem:
    return get_visible_or_404(TaskItem, task_id, "任务不存在")


@bp.route("/cases")
@login_required
def list_cases():
    status = request.args.get("status", "")
    process = request.args.get("process", "")
    query = request.args.get("q", "").strip()
    rows = case_rows(
        db.session, visible_bureau_ids(db.session, current_user), status=status, process=process, query=query
    )
    return render_template("cases/list.html", rows=rows, status=status, process=process, q=query)


@bp.route("/cases/new/repair", methods=["GET", "POST"])
@role_required("clerk")
def new_repair():
    version = engine.published_version(db.session, "repair")
    if version is None:
        abort(404)
    fields = engine.start_form(version)
    entries = db.session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.bureau_id == current_user.bureau_id, RegisterEntry.status == EntryStatus.LISTED)
        .order_by(RegisterEntry.listed_on)
    ).all()
    values, errors, checks, entry = {}, {}, None, None
    if request.method == "POST":
        values = form_values(fields)
        case, refused = unit_of_work(
            lambda: repair.start_repair(db.session, current_user, values),
            done=lambda case: f"已登记申请，案件编号 {case.number}",
        )
        if refused is None:
            return redirect(url_for("cases.show_case", case_id=case.id))
        errors = field_errors(refused)
    selected = request.values.get("listing_id")
    if selected:
        entry = next((e for e in entries if str(e.id) == str(selected).strip()), None)
        if entry is not None:
            checks = repair.eligibility_for(
                db.session,
                entry,
                values or {"penalty_carried_out": entry.penalty_carried_out, "commitment_given": False},
            )
        values.setdefault("listing_id", selected)
    return render_template(
        "cases/new_repair.html",
        fields=fields,
        values=values,
        errors=errors,
        entries=entries,
        entry=entry,
        checks=checks,
    )


@bp.route("/cases/<int:case_id>")
@login_required
def show_case(case_id: int):
    case = load_case(case_id)
    history = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    tasks = (
        db.session.scalars(
            select(TaskItem).where(TaskItem.case_id == case.id).order_by(TaskItem.created_at, TaskItem.id)
        )
        .unique()
        .all()
    )
    timers = (
        db.session.scalars(select(Timer).where(Timer.case_id == case.id).order_by(Timer.due_at))
        .unique()
        .all()
    )
    entry = db.session.get(RegisterEntry, case.register_entry_id) if case.register_entry_id else None
    return render_template(
        "cases/show.html",
        case=case,
        history=history,
        tasks=tasks,
        timers=timers,
        entry=entry,
        subjects=case_subjects(db.session, case),
        deliveries=entry_deliveries(db.session, entry.id) if entry else [],
        documents=documents_for(db.session, case_id=case.id),
    )


def served_documents(case: Case, step: str) -> list:
    """The case's documents this step serves (camunda:property `serves`), to print first."""
    kinds = engine.step_info(case.process_version, step, case).get("serves") or []
    return [d for d in documents_for(db.session, case_id=case.id) if d.kind in kinds] if kinds else []


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@login_required
def work_task(task_id: int):
    item = load_task_item(task_id)
    case = item.case
    fields = engine.offered_task_form(item)
    values, errors = {}, {}
    if request.method == "POST":
        values = form_values(fields)
        expected = request.form.get("expected_version", type=int)
        _, refused = unit_of_work(
            lambda: engine.complete(db.session, item.id, values, current_user, expected_version=expected),
            done=f"“{item.name}”已办理",
        )
        if refused is None:
            return redirect(url_for("inbox.show_inbox"))
        errors = field_errors(refused)  # the rollback expired `item`: it is read again
    can_act = True
    reason = ""
    if item.completed_at is not None:
        can_act, reason = False, "该任务已办理完毕"
    else:
        try:
            engine.check_can_act(item, current_user)
        except engine.NotAllowed as exc:
            can_act, reason = False, exc.message
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(("start", "complete")))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return render_template(
        "cases/task.html",
        item=item,
        case=case,
        fields=fields,
        values=values,
        errors=errors,
        can_act=can_act,
        reason=reason,
        history=history,
        subjects=case_subjects(db.session, case),
        guidance=engine.task_guidance(case.process_version, item.step),
        served=served_documents(case, item.step),
    )
