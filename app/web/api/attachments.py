"""Attachments through the API.

POST /api/cases/<id>/attachments  (multipart: file, optional task_id, label)
        -> 201 {id, name, size, sha256, content_type}; 413 over the size limit, 422 a refused kind
GET  /api/attachments/<id>        -> the bytes (Content-Disposition, the content type, nosniff)
Another bureau's case or file: 404.
"""

from __future__ import annotations

from flask import g, jsonify, request

from app.attachments.service import attach, attachment_json, check_may_upload
from app.errors import Invalid
from app.extensions import db
from app.models import Attachment, Case, TaskItem
from app.web.api.auth import token_required
from app.web.api.blueprint import bp
from app.web.common import get_visible_or_404, unit_of_work
from app.web.uploads import accepts_uploads, send_attachment, sent_files


def _task_of(case: Case) -> TaskItem | None:
    raw = request.form.get("task_id", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Invalid("提交的内容有误", {"task_id": "task_id 应为任务编号"})
    item = db.session.get(TaskItem, int(raw))
    if item is None or item.case_id != case.id:
        raise Invalid("提交的内容有误", {"task_id": "该任务不属于本案"})
    return item


@bp.route("/cases/<int:case_id>/attachments", methods=["POST"])
@accepts_uploads
@token_required
def upload_attachment(case_id: int):
    case = get_visible_or_404(Case, case_id, "案件不存在")
    files = sent_files("file")
    if len(files) != 1:
        raise Invalid("提交的内容有误", {"file": "请以 multipart 字段 file 上传一个文件"})

    def work():
        check_may_upload(case, g.api_user)
        upload = files[0]
        attachment = attach(
            db.session,
            case,
            upload.stream,
            upload.filename,
            actor=g.api_user,
            label=request.form.get("label", ""),
            task_item=_task_of(case),
        )
        return attachment_json(attachment)

    body, _ = unit_of_work(work)
    return jsonify({k: body[k] for k in ("id", "name", "size", "sha256", "content_type")}), 201


@bp.route("/attachments/<int:attachment_id>")
@token_required
def download_attachment(attachment_id: int):
    attachment = get_visible_or_404(Attachment, attachment_id, "附件不存在")
    return send_attachment(attachment)
