"""Administration: import listings decided before the system existed (CSV).

Upload -> check every row -> report per row -> import all (only when there are no
errors) or, by explicit choice, only the valid rows.  The checked file stays on the
server (app/register/import_uploads.py): the confirmation form carries only a token,
so full ID numbers never go back to the browser; the server checks it again before
importing."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import Invalid
from app.extensions import db
from app.register import import_uploads as uploads
from app.register import importing as register_import
from app.web.admin.routes import bp
from app.web.common import role_required, unit_of_work


@bp.route("/import", methods=["GET"])
@role_required("admin")
def import_register():
    return render_template("admin/import.html", report=None, upload=None, columns=register_import.COLUMNS)


@bp.route("/import/template.csv")
@role_required("admin")
def import_template():
    return Response(
        "\ufeff" + register_import.TEMPLATE,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="register-import-template.csv"'},
    )


@bp.route("/import", methods=["POST"])
@role_required("admin")
def check_import():
    action = request.form.get("action", "check")
    token = None
    if action == "check":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("请选择要导入的 CSV 文件", "error")
            return redirect(url_for("admin.import_register"))
        try:
            text = register_import.decode(upload.read())
        except Invalid as exc:
            flash(exc.message, "error")
            return redirect(url_for("admin.import_register"))
    else:
        kept = uploads.kept_upload(db.session, current_user, request.form.get("upload", ""))
        if kept is None:
            flash("上传的文件已过期或不存在，请重新上传", "error")
            return redirect(url_for("admin.import_register"))
        text = kept.content
        db.session.delete(kept)
    report = register_import.check_csv(db.session, current_user, text)
    if action in ("import_all", "import_valid"):
        _, refused = unit_of_work(
            lambda: register_import.import_rows(
                db.session, current_user, report, only_valid=action == "import_valid"
            ),
            done=lambda cases: (
                f"已导入 {len(report.valid)} 条名单记录（{len(cases)} 个列入决定），管理期计时已建立"
            ),
        )
        if refused is None:
            return redirect(url_for("register.list_entries"))
        # rolled back: the upload stays kept, so the user may still import the valid rows
        return render_template(
            "admin/import.html",
            report=report,
            upload=request.form.get("upload"),
            columns=register_import.COLUMNS,
        )
    if not report.file_errors and report.valid:
        token = uploads.keep_upload(db.session, current_user, text)
        db.session.commit()
    return render_template("admin/import.html", report=report, upload=token, columns=register_import.COLUMNS)
