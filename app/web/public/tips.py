"""The public tip form (举报, no login) and the lookup by tracking code.  The fields are
the tip process's start form, drawn in workflows/tip.bpmn."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request

from app import engine
from app.attachments.service import Limits
from app.errors import AppError
from app.extensions import db
from app.tips.files import EVIDENCE, TipFilesRefused, attach_tip_files
from app.tips.submission import HONEYPOT, PROCESS_KEY, TooMany, new_tracking_code, submit_tip, tip_status
from app.web.common import form_values
from app.web.errors import status_of
from app.web.filters import local_time
from app.web.public.routes import bp
from app.web.uploads import accepts_uploads, form_too_large, sent_files


@bp.route("/tips/new", methods=["GET", "POST"])
@accepts_uploads(public=True)
def new_tip():
    version = engine.published_version(db.session, PROCESS_KEY)
    if version is None:
        abort(404)
    fields = engine.start_form(version)
    values, errors = {}, {}
    limits = Limits.tips()
    if request.method == "POST" and form_too_large():
        errors = {"_form": f"提交的内容过大，未能读取（{limits.describe()}，最多 {limits.per_form} 个）"}
    elif request.method == "POST":
        values = form_values(fields)
        submitted = {**values, HONEYPOT: request.form.get(HONEYPOT, "")}
        try:
            tip = submit_tip(db.session, submitted, request.remote_addr or "")
            if tip is not None:
                attach_tip_files(db.session, tip, sent_files(EVIDENCE), limits)
            db.session.commit()
            code = tip.tracking_code if tip else new_tracking_code()
            return render_template("public/tip_submitted.html", tracking_code=code)
        except (engine.FormInvalid, TipFilesRefused) as exc:
            db.session.rollback()
            errors = exc.errors
        except AppError as exc:
            db.session.rollback()
            status = 429 if isinstance(exc, TooMany) else status_of(exc)
            return render_template(
                "public/tip_new.html",
                fields=fields,
                values=values,
                errors={},
                refused=exc.message,
                upload_limits=limits,
            ), status
    return render_template(
        "public/tip_new.html", fields=fields, values=values, errors=errors, refused=None, upload_limits=limits
    )


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
