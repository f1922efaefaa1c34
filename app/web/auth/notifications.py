"""The signed-in user's choice of how to be told outside the system (消息通知设置)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.notify import channels, settings
from app.web.auth.routes import bp
from app.web.common import field_errors, unit_of_work


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    user = current_user._get_current_object()
    error = None
    values = settings.as_dict(settings.setting_of(db.session, user))
    if request.method == "POST":
        values = {
            "email": request.form.get("email", "")[:254],
            "mobile": request.form.get("mobile", "")[:20],
            "wecom_id": request.form.get("wecom_id", "")[:64],
            "channels": request.form.getlist("channels")[:3],
            "digest": "digest" in request.form,
        }
        _, error = unit_of_work(lambda: settings.update(db.session, user, values), "消息通知设置已保存")
        if error is None:
            return redirect(url_for("auth.notification_settings"))
        values["available"] = channels.available()
    return render_template(
        "auth/notifications.html",
        values=values,
        names=channels.CHANNELS,
        errors=field_errors(error),
        error=error,
    )
