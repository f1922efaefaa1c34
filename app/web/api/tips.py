"""Public tips (举报), no login.

POST /api/public/tips {"subject_name", "description", "location", "contact"?, "anonymous"?}
     -> 201 {"tracking_code"}; 422 field errors; 429 (Retry-After) too many from one address
GET  /api/public/tips/<code> -> {"status", "status_label", "received_at", "reply"?}; 404 unknown code
"""

from __future__ import annotations

from flask import jsonify, request

from app.extensions import db
from app.tips.submission import TooMany, new_tracking_code, submit_tip, tip_status
from app.web.api.auth import json_body
from app.web.api.blueprint import bp
from app.web.errors import json_error


@bp.route("/public/tips", methods=["POST"])
def create_tip():
    body = json_body()
    if body is None:
        return json_error(400, "请求体应为 JSON 对象")
    try:
        tip = submit_tip(db.session, body, request.remote_addr or "")
    except TooMany as exc:
        db.session.rollback()
        response, status = json_error(429, exc.message)
        response.headers["Retry-After"] = str(TooMany.retry_after)
        return response, status
    db.session.commit()
    # A filled honeypot gets an answer that looks the same and stores nothing.
    return jsonify({"tracking_code": tip.tracking_code if tip else new_tracking_code()}), 201


@bp.route("/public/tips/<code>")
def show_tip(code: str):
    return jsonify(tip_status(db.session, code))
