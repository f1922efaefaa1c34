"""The public tip form (举报, no login) and the lookup by tracking code.  The fields are
the tip process's start form, drawn in workflows/tip.bpmn."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request

from app import engine
from app.errors import AppError
from app.extensions import db
from app.tips.submission import HONEYPOT, PROCESS_KEY, TooMany, new_tracking_code, submit_tip, tip_status
from app.web.common import form_values
from app.web.errors import status_of
from app.web.filters import local_time
from app.web.public.routes import bp


@bp.route("/tips/new", methods=["GET", "POST"])
def new_tip():
    version = engine.published_version(db.session, PROCESS_KEY)
    if version is None:
        abort(404)
    fields = engine.start_form(version)
    values, errors = {}, {}
    if request.method == "POST":
        values = form_values(fields)
        submitted = {**values, HONEYPOT: request.form.get(HONEYPOT, "")}
        try:
            tip = submit_tip(db.session, submitted, request.remote_addr or "")
            db.session.commit()
            code = tip.tracking_code if tip else new_tracking_code()
            return render_template("public/tip_submitted.html", tracking_code=code)
        except engine.FormInvalid as exc:
            db.session.rollback()
            errors = exc.errors
        except AppError as exc:
            db.session.rollback()
            status = 429 if isinstance(exc, TooMany) else status_of(exc)
            return render_template(
                "public/tip_new.html", fields=fields, values=values, errors={}, refused=exc.message
            ), status
    return render_template("public/tip_new.html", fields=fields, values=values, errors=errors, refused=None)


@bp.route("/tips/track")
def track_tip():
    code = request.args.get("code", "").strip()[:32]
    result, problem = None, None
    if code:
        try:
            result = tip_status(db.session, code)
            result["received_label"] = local_time(dt.datetime.fromisoformat(result["received_at"]))
        except AppError as exc:
            problem = exc.message
    return render_template("public/tip_track.html", code=code, result=result, problem=problem)
