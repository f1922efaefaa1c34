"""Public tips (举报), no login.

POST /api/public/tips {"subject_name", "description", "location", "contact"?, "anonymous"?}
     -> 201 {"tracking_code"}; 422 field errors; 429 too many from one address
GET  /api/public/tips/<code> -> {"status", "status_label", "received_at", "reply"?}; 404 unknown code
"""

from __future__ import annotations

from flask import jsonify, request

from app.engine.errors import FormInvalid, InvalidProcess
from app.errors import AppError
from app.extensions import db
from app.tips.submission import new_tracking_code, submit_tip, tip_status
from app.web.api.auth import json_body
from app.web.api.blueprint import bp
from app.web.errors import json_error


def refused(exc: AppError):
    db.session.rollback()
    response, status = json_error(exc.status, exc.message or None, exc.errors)
    if status == 429:
        response.headers["Retry-After"] = "3600"
    return response, status


@bp.route("/public/tips", methods=["POST"])
def create_tip():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    try:
        tip = submit_tip(db.session, body, request.remote_addr or "")
    except AppError as exc:
        return refused(exc)
    except FormInvalid as exc:
        db.session.rollback()
        return json_error(422, exc.message, exc.errors)
    except InvalidProcess as exc:
        db.session.rollback()
        return json_error(503, exc.message)
    db.session.commit()
    # A filled honeypot gets an answer that looks the same and stores nothing.
    return jsonify({"tracking_code": tip.tracking_code if tip else new_tracking_code()}), 201


@bp.route("/public/tips/<code>")
def show_tip(code: str):
    try:
        return jsonify(tip_status(db.session, code))
    except AppError as exc:
        return json_error(exc.status, exc.message)
