"""JSON API for integrations and scripted use (token authenticated)."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, url_for
from sqlalchemy import select

from app import engine
from app.attachments.service import case_attachments
from app.cases.inbox import actionable_tasks
from app.cases.starting import start_process
from app.extensions import db
from app.models import AuditEvent, Case, Document, TaskItem, Timer, User
from app.org.tokens import issue_token, revoke_token
from app.register.documents import documents_for
from app.register.feed import feed_entry
from app.register.queries import published_entries
from app.security import throttle
from app.security.passwords import check_login
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.api.serialize import case_json, document_json, task_json
from app.web.common import get_visible_or_404, unit_of_work
from app.web.errors import json_error


@bp.route("/token", methods=["POST"])
@throttle.per_account()
@throttle.per_address()
def create_token():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    errors = {
        k: "必填" for k in ("username", "password") if not isinstance(body.get(k), str) or not body.get(k)
    }
    if errors:
        return json_error(422, errors=errors)
    user = db.session.scalar(select(User).where(User.username == body["username"]))
    if not check_login(user, body["password"]):
        throttle.note_failure()
        return json_error(401, "用户名或密码错误")
    if user.must_change_password:
        return json_error(403, "请先登录网页修改初始密码")
    token, _ = unit_of_work(lambda: issue_token(db.session, user, current_app.config["API_TOKEN_HOURS"]))
    return jsonify({"token": token})


@bp.route("/token", methods=["DELETE"])
@token_required
def delete_token():
    """Revoke the token this request carries."""
    revoke_token(db.session, request.headers["Authorization"][7:].strip())
    db.session.commit()
    return "", 204


@bp.route("/tasks")
@token_required
def list_tasks():
    return jsonify({"tasks": [task_json(t) for t in actionable_tasks(db.session, g.api_user)]})


def _engine_call(task_id: int, operation):
    item = get_visible_or_404(TaskItem, task_id, "任务不存在")

    def work():
        operation(item)
        return {"task": task_json(item)}  # built before the commit: no re-read afterwards

    body, _ = unit_of_work(work)  # a refusal is answered by app.web.errors
    return jsonify(body)


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@token_required
def claim_task(task_id: int):
    return _engine_call(task_id, lambda item: engine.claim(db.session, item.id, g.api_user))


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@token_required
def unclaim_task(task_id: int):
    return _engine_call(task_id, lambda item: engine.unclaim(db.session, item.id, g.api_user))


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@token_required
def complete_task(task_id: int):
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    data = body.get("data", {})
    if not isinstance(data, dict):
        return json_error(422, errors={"data": "data 应为对象"})
    return _engine_call(task_id, lambda item: engine.complete(db.session, item.id, data, g.api_user))


@bp.route("/cases", methods=["POST"])
@token_required
def create_case():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    case, _ = unit_of_work(
        lambda: start_process(db.session, g.api_user, body.get("process"), body.get("data"))
    )
    return jsonify({"id": case.id, "number": case.number, "status": case.status}), 201


@bp.route("/cases/<int:case_id>")
@token_required
def show_case(case_id: int):
    case = get_visible_or_404(Case, case_id, "案件不存在")
    tasks = (
        db.session.scalars(
            select(TaskItem)
            .where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
            .order_by(TaskItem.id)
        )
        .unique()
        .all()
    )
    timers = (
        db.session.scalars(select(Timer).where(Timer.case_id == case.id).order_by(Timer.id)).unique().all()
    )
    history = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    documents = documents_for(db.session, case_id=case.id)
    attachments = case_attachments(db.session, case.id)
    return jsonify(case_json(case, list(tasks), list(timers), list(history), documents, attachments))


@bp.route("/documents/<int:document_id>")
@token_required
def show_document(document_id: int):
    document = get_visible_or_404(Document, document_id, "文书不存在")
    return jsonify(
        {
            **document_json(document),
            "issued_on": document.issued_on.isoformat(),
            "case_id": document.case_id,
            "fields": document.fields,
            "print_url": url_for("register.show_document", document_id=document.id),
            "word_url": url_for("register.download_document", document_id=document.id),
        }
    )


@bp.route("/register")
def public_register():
    return jsonify({"entries": [feed_entry(e) for e in published_entries(db.session)]})
