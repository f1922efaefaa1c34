"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from functools import wraps

from flask import g, request

from app.extensions import db
from app.org.tokens import user_for_token
from app.web.errors import json_error


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return json_error(401, "缺少访问令牌（Authorization: Bearer <token>）")
        user = user_for_token(db.session, header[7:].strip())
        if user is None:
            return json_error(401, "访问令牌无效或已过期")
        if getattr(user, "applicant_profile", None) is not None and not request.path.startswith(
            "/api/portal/"
        ):
            return json_error(403, "申请人账号只能使用 /api/portal/ 下的接口")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def json_body() -> dict | None:
    """The request's JSON object, or None when the body is not a JSON object."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None
