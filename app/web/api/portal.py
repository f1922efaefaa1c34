"""The applicant portal's API (token from POST /api/token with an applicant account).

POST /api/portal/accounts {"username", "password", "name", "credit_code" | "id_number"}   (no login)
                                                   -> 201 {id, status: "pending"}
POST /api/portal/accounts/<id>/approve | /reject   (clerk or administrator of a listing bureau) -> 200
GET  /api/portal/entries                           -> the register entries of the bound subject
POST /api/portal/applications {"register_entry_id", "materials", "commitment_given", "penalty_carried_out"}
                                                   -> 201 {case_id, number}
GET  /api/portal/cases, GET /api/portal/cases/<id> (another subject's: 404)
POST /api/portal/cases/<id>/supplement | /statement  (JSON, or multipart: form fields and the step's
                                                   file fields' files) -> 200
POST /api/portal/cases/<id>/attachments (multipart: file, label) -> 201; GET /api/portal/attachments/<id>
                                                   (what the applicant submitted online; another's: 404)
GET  /api/portal/documents, GET /api/portal/documents/<id>  (opening one is 电子送达)
Before the clerk confirms the account every portal call answers 403.
"""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from app.attachments.service import attach, attachment_json
from app.errors import Invalid
from app.extensions import db
from app.portal.accounts import approved_profile, register_account, review, subject_entries
from app.portal.cases import (
    answer_step,
    apply_online,
    open_document,
    own_attachment,
    own_attachments,
    own_case,
    own_cases,
    party_step,
    party_tasks,
    served_documents,
)
from app.register.feed import feed_entry
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.errors import json_error
from app.web.portal.files import APPLICATION_LABEL, store_step_files
from app.web.uploads import accepts_uploads, send_attachment, sent_files


def applicant_required(view):
    @wraps(view)
    @token_required
    def wrapped(*args, **kwargs):
        g.profile = approved_profile(g.api_user)
        return view(*args, **kwargs)

    return wrapped


def case_json(case, detail: bool = False) -> dict:
    body = {
        "id": case.id,
        "number": case.number,
        "process": case.process_key,
        "process_name": case.process_version.name,
        "status": str(case.status),
        "started_at": case.created_at.isoformat(),
        "ended_at": case.ended_at.isoformat() if case.ended_at else None,
    }
    if detail:
        steps = case.process_version.meta.get("steps", {})
        body["awaiting_you"] = [
            {
                "step": t.step,
                "kind": steps[t.step]["kind"],
                "name": t.name,
                "due_at": t.due_at.isoformat() if t.due_at else None,
            }
            for t in party_tasks(db.session, case)
        ]
    return body


def document_json(document) -> dict:
    return {
        "id": document.id,
        "kind": document.kind,
        "number": document.number,
        "title": document.title,
        "issued_on": document.issued_on.isoformat(),
    }


@bp.route("/portal/accounts", methods=["POST"])
def create_applicant_account():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    profile = register_account(db.session, body)
    db.session.commit()
    return jsonify({"id": profile.id, "status": profile.status}), 201


def _review(profile_id: int, approve: bool):
    profile = review(db.session, g.api_user, profile_id, approve)
    db.session.commit()
    return jsonify({"id": profile.id, "status": profile.status})


@bp.route("/portal/accounts/<int:profile_id>/approve", methods=["POST"])
@token_required
def approve_applicant(profile_id: int):
    return _review(profile_id, True)


@bp.route("/portal/accounts/<int:profile_id>/reject", methods=["POST"])
@token_required
def reject_applicant(profile_id: int):
    return _review(profile_id, False)


@bp.route("/portal/entries")
@applicant_required
def portal_entries():
    entries = subject_entries(db.session, g.profile)
    return jsonify(
        {
            "entries": [
                {**feed_entry(e), "status": str(e.status), "status_label": e.status_label} for e in entries
            ]
        }
    )


@bp.route("/portal/applications", methods=["POST"])
@applicant_required
def portal_apply():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    case = apply_online(db.session, g.api_user, g.profile, body)
    db.session.commit()
    return jsonify({"case_id": case.id, "number": case.number}), 201


@bp.route("/portal/cases")
@applicant_required
def portal_cases():
    return jsonify({"cases": [case_json(c) for c in own_cases(db.session, g.profile)]})


@bp.route("/portal/cases/<int:case_id>")
@applicant_required
def portal_case(case_id: int):
    case = own_case(db.session, g.profile, case_id)
    documents = [d for d in served_documents(db.session, g.profile) if d.case_id == case.id]
    files = [attachment_json(a) for a in own_attachments(db.session, g.profile, case)]
    return jsonify(
        {
            **case_json(case, detail=True),
            "documents": [document_json(d) for d in documents],
            "attachments": files,
        }
    )


def _submitted() -> dict:
    """JSON body, or the fields of a multipart/urlencoded form (lists from repeats)."""
    if request.is_json:
        body = json_body()
        if body is None:
            raise Invalid("请求体应为 JSON 对象", {"data": "提交的数据应为对象"})
        return body
    values: dict = {}
    for key in request.form:
        items = request.form.getlist(key)
        values[key] = items if len(items) > 1 else items[0]
    return values


def _answer(case_id: int, kind: str):
    data = _submitted()
    if not request.is_json:  # multipart: the step's file fields may carry files
        case, item = party_step(db.session, g.profile, case_id, kind)
        stored, errors = store_step_files(case, item, g.api_user, g.profile)
        if errors:
            raise Invalid("上传的文件有误", errors)
        data.update({k: ids for k, ids in stored.items() if ids})
    answer_step(db.session, g.api_user, g.profile, case_id, kind, data)
    db.session.commit()
    case = own_case(db.session, g.profile, case_id)
    return jsonify(case_json(case, detail=True))


@bp.route("/portal/cases/<int:case_id>/attachments", methods=["POST"])
@accepts_uploads
@applicant_required
def portal_upload(case_id: int):
    """More materials on one's own running case (multipart: file, optional label)."""
    case = own_case(db.session, g.profile, case_id)
    files = sent_files("file")
    if len(files) != 1:
        raise Invalid("提交的内容有误", {"file": "请以 multipart 字段 file 上传一个文件"})
    if case.status != "active":
        raise Invalid("案件已办结，不能再提交材料")
    attachment = attach(
        db.session,
        case,
        files[0].stream,
        files[0].filename,
        actor=g.api_user,
        label=request.form.get("label", "") or APPLICATION_LABEL,
        channel="portal",
        actor_name=g.profile.subject_name,
    )
    body = attachment_json(attachment)
    db.session.commit()
    return jsonify({k: body[k] for k in ("id", "name", "size", "sha256", "content_type")}), 201


@bp.route("/portal/attachments/<int:attachment_id>")
@applicant_required
def portal_download(attachment_id: int):
    return send_attachment(own_attachment(db.session, g.profile, attachment_id))


@bp.route("/portal/cases/<int:case_id>/supplement", methods=["POST"])
@accepts_uploads
@applicant_required
def portal_supplement(case_id: int):
    return _answer(case_id, "supplement")


@bp.route("/portal/cases/<int:case_id>/statement", methods=["POST"])
@accepts_uploads
@applicant_required
def portal_statement(case_id: int):
    return _answer(case_id, "statement")


@bp.route("/portal/documents")
@applicant_required
def portal_documents():
    return jsonify({"documents": [document_json(d) for d in served_documents(db.session, g.profile)]})


@bp.route("/portal/documents/<int:document_id>")
@applicant_required
def portal_document(document_id: int):
    document = open_document(db.session, g.api_user, g.profile, document_id)
    db.session.commit()
    return jsonify({**document_json(document), "fields": document.fields})
