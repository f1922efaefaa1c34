"""One error contract: JSON under /api/, pages elsewhere.

Field errors {"errors": {field: message}} with 422, conflicts 409, forbidden 403,
not visible 404; every JSON error carries a Chinese "message".  The application's
refusals (app.errors.AppError) reach HTTP only here.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from app import errors
from app.extensions import db
from app.web import uploads

MESSAGES = {
    400: "请求格式有误",
    403: "您没有权限进行此操作",
    404: "页面或记录不存在",
    405: "不支持的请求方式",
    409: "操作冲突",
    413: "上传的文件过大",
    422: "提交的内容有误",
    429: "尝试次数过多，请稍后再试",
    500: "系统内部错误，请稍后再试或联系管理员",
}

STATUS = (
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Invalid, 422),
    (errors.TooLarge, 413),
)


def status_of(exc: errors.AppError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 422)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str | None = None, errors=None):
    body: dict = {"message": message or MESSAGES.get(status, "错误")}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status


def app_error_response(exc: errors.AppError):
    """The answer to a refusal: JSON under /api/, else the error page with its message."""
    status = status_of(exc)
    if wants_json():
        return json_error(status, exc.message, exc.errors or None)
    return render_template("error.html", status=status, message=exc.message), status


def register(app: Flask) -> None:

    def handle(exc):
        status = getattr(exc, "code", 500) or 500
        if status == 413 and not wants_json():
            page = uploads.too_large_page()  # a form page drawn again, what could be kept
            if page is not None:
                return page, 413
        if wants_json():
            detail = getattr(exc, "description", None) if status not in (429, 500) else None
            return json_error(status, detail)
        return render_template("error.html", status=status, message=MESSAGES.get(status, "错误")), status

    for status in (400, 403, 404, 405, 409, 413, 422, 429, 500):
        app.register_error_handler(status, handle)

    @app.errorhandler(errors.AppError)
    def refused(exc: errors.AppError):
        db.session.rollback()  # a refusal changes nothing
        return app_error_response(exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if wants_json():
            return json_error(400, "缺少或无效的 CSRF 令牌")
        return render_template(
            "error.html", status=400, message="页面已过期或表单令牌无效，请刷新页面后重试"
        ), 400
