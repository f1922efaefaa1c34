"""Case pages: start a repair application, work a task, read a case."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import engine
from app.attachments.service import Limits, attach, case_attachments, check_may_upload
from app.cases import repair
from app.cases.subjects import case_subjects
from app.cases.views import case_rows
from app.extensions import db
from app.models import Attachment, AuditEvent, Case, EntryStatus, RegisterEntry, TaskItem, Timer
from app.org.access import visible_bureau_ids
from app.platforms.records import entry_deliveries
from app.register.documents import documents_for
from app.web.common import field_errors, form_values, get_visible_or_404, role_required, unit_of_work
from app.web.form_files import file_fields, pending_files, store_form_files
from app.web.uploads import TOO_LARGE, accepts_uploads, form_too_large, send_attachment, sent_files

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
@accepts_uploads
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
    if request.method == "POST" and form_too_large():
        errors = {"_form": TOO_LARGE}
    elif request.method == "POST":
        values = form_values(fields)
        case, refused = unit_of_work(
            lambda: _start_with_files(fields, values),
            done=lambda case: f"已登记申请，案件编号 {case.number}",
        )
        if refused is None:
            return redirect(url_for("cases.show_case", case_id=case.id))
        errors = field_errors(refused)
    selected = (request.args if form_too_large() else request.values).get("listing_id")
    if selected:
        entry = next((e for e in entries if str(e.id) == str(selected).strip()), None)
        if entry is not None:
            # what the form says, not what the register says: the applicant declares it
            checks = repair.eligibility_for(db.session, entry, values)
        values.setdefault("listing_id", selected)
    return render_template(
        "cases/new_repair.html",
        fields=fields,
        values=values,
        errors=errors,
        entries=entries,
        entry=entry,
        checks=checks,
        upload_limits=Limits.officers(),
    )


def _start_with_files(fields, values: dict) -> Case:
    """The application, then the files its form sent (the case holds them: it did not
    exist before), in one transaction."""
    files = file_fields(fields)
    case = repair.start_repair(
        db.session, current_user, {k: v for k, v in values.items() if k not in {f.id for f in files}}
    )
    for f in files:
        for upload in sent_files(f.id)[: Limits.officers().per_form]:
            attach(
                db.session,
                case,
                upload.stream,
                upload.filename,
                actor=current_user,
                label=f.label,
                field=f.id,
            )
    return case


@bp.route("/cases/new/repair/eligibility")
@role_required("clerk")
def repair_eligibility():
    """The server's own eligibility check of the application form as it stands (the
    page's preview asks it on every change)."""
    raw = request.args.get("listing_id", "").strip()
    entry = None
    if raw.isdigit() and len(raw) <= 12:
        entry = db.session.scalar(
            select(RegisterEntry).where(
                RegisterEntry.id == int(raw),
                RegisterEntry.bureau_id == current_user.bureau_id,
                RegisterEntry.status == EntryStatus.LISTED,
            )
        )
    if entry is None:
        return jsonify({"message": "请选择本局已列入的名单记录", "checks": []}), 404
    return jsonify(
        {"listing_id": entry.id, "checks": repair.eligibility_for(db.session, entry, request.args)}
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
        attachments=case_attachments(db.session, case.id),
        may_upload=current_user.bureau_id == case.bureau_id,
        upload_limits=Limits.officers(),
    )


def served_documents(case: Case, step: str) -> list:
    """The case's documents this step serves (camunda:property `serves`), to print first."""
    kinds = engine.step_info(case.process_version, step, case).get("serves") or []
    return [d for d in documents_for(db.session, case_id=case.id) if d.kind in kinds] if kinds else []


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@accepts_uploads
@login_required
def work_task(task_id: int):
    item = load_task_item(task_id)
    case = item.case
    fields = engine.offered_task_form(item)
    values, errors = {}, {}
    if request.method == "POST" and form_too_large():
        errors = {"_form": TOO_LARGE}
    elif request.method == "POST":
        values = form_values(fields)
        expected = request.form.get("expected_version", type=int)
        if _may_act(item):  # files are kept even when the form is refused
            stored, errors = store_form_files(case, fields, actor=current_user, task_item=item)
            values.update(stored)
        if not errors:
            _, refused = unit_of_work(
                lambda: engine.complete(db.session, item.id, values, current_user, expected_version=expected),
                done=f"“{item.name}”已办理",
            )
            if refused is None:
                return redirect(url_for("inbox.show_inbox"))
            errors = field_errors(refused)  # the rollback expired `item`: it is read again
    if not values:
        values = dict(pending_files(case, fields, item))
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
    attachments = case_attachments(db.session, case.id)
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
        attachments=attachments,
        files={a.id: a for a in attachments},
        upload_limits=Limits.officers(),
    )


def _may_act(item: TaskItem) -> bool:
    if item.completed_at is not None:
        return False
    try:
        engine.check_can_act(item, current_user)
    except engine.NotAllowed:
        return False
    return True


@bp.route("/cases/<int:case_id>/attachments", methods=["POST"])
@accepts_uploads
@login_required
def upload_case_files(case_id: int):
    """The case page's upload box: files on the case, outside any form."""
    case = load_case(case_id)
    target = redirect(url_for("cases.show_case", case_id=case.id) + "#attachments")
    if form_too_large():
        flash(TOO_LARGE, "error")
        return target
    uploads = sent_files("file")
    if not uploads:
        flash("请选择要上传的文件", "error")
        return target
    limits = Limits.officers()
    if len(uploads) > limits.per_form:
        flash(f"一次最多上传 {limits.per_form} 个文件", "error")
        return target
    label = request.form.get("label", "")

    def work():
        check_may_upload(case, current_user)
        for upload in uploads:
            attach(db.session, case, upload.stream, upload.filename, actor=current_user, label=label)
        return len(uploads)

    _, refused = unit_of_work(work, done=lambda count: f"已上传 {count} 个附件")
    if refused is not None and refused.errors:
        flash(refused.message, "error")  # field errors are not flashed by unit_of_work
    return target


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download_attachment(attachment_id: int):
    return send_attachment(get_visible_or_404(Attachment, attachment_id, "附件不存在"))
