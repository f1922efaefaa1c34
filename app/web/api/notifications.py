"""Notifications outside the system.

GET  /api/me/notifications                       -> {email, mobile, wecom_id, channels, digest, available}
PUT  /api/me/notifications {email?, mobile?, wecom_id?, channels?: [...], digest?: bool} -> 200 (the same); 422
GET  /api/admin/notifications?status=pending|sent|failed  (administrators; their bureaus and below)
POST /api/admin/notifications/<id>/retry         -> 200 a failed message queued again
"""

from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import select

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import OutboundMessage
from app.notify import sending, settings
from app.org.access import visible_bureau_ids
from app.web.api.auth import json_body, token_required
from app.web.api.blueprint import bp
from app.web.common import unit_of_work

LIST_LIMIT = 500
STATUSES = ("pending", "sent", "failed")


def _require_admin() -> None:
    if "admin" not in g.api_user.roles:
        raise Forbidden("只有系统管理员可以查看消息发送记录")


def message_json(message: OutboundMessage) -> dict:
    return {
        "id": message.id,
        "user": message.user.username,
        "channel": message.channel,
        "kind": message.kind,
        "subject": message.subject,
        "status": message.status,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


@bp.get("/me/notifications")
@token_required
def my_notification_settings():
    return jsonify(settings.as_dict(settings.setting_of(db.session, g.api_user)))


@bp.put("/me/notifications")
@token_required
def update_my_notification_settings():
    body = json_body()
    if body is None:
        raise Invalid("请求体应为 JSON 对象")
    setting, _ = unit_of_work(lambda: settings.update(db.session, g.api_user, body))
    return jsonify(settings.as_dict(setting))


@bp.get("/admin/notifications")
@token_required
def list_outbound_messages():
    _require_admin()
    status = request.args.get("status")
    query = select(OutboundMessage).where(
        OutboundMessage.bureau_id.in_(visible_bureau_ids(db.session, g.api_user))
    )
    if status:
        if status not in STATUSES:
            raise Invalid("status 应为 pending、sent 或 failed", {"status": "请选择发送状态"})
        query = query.where(OutboundMessage.status == status)
    rows = db.session.scalars(query.order_by(OutboundMessage.id.desc()).limit(LIST_LIMIT))
    return jsonify({"messages": [message_json(m) for m in rows]})


def _retry(message_id: int) -> OutboundMessage:
    message = db.session.get(OutboundMessage, message_id)
    if message is None or message.bureau_id not in visible_bureau_ids(db.session, g.api_user):
        raise NotFound("消息不存在")
    if message.status != "failed":
        raise Conflict("只有发送失败的消息可以重新发送")
    sending.retry(message)
    return message


@bp.post("/admin/notifications/<int:message_id>/retry")
@token_required
def retry_outbound_message(message_id: int):
    _require_admin()
    message, _ = unit_of_work(lambda: _retry(message_id))
    return jsonify(message_json(message))
