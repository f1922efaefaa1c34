"""Administration: import listings decided before the system existed (CSV).

Upload -> check every row -> report per row -> import all (only when there are no
errors) or, by explicit choice, only the valid rows, in chunks of whole decisions
(app/register/importing.py).  The checked file stays on the
server (app/register/import_uploads.py): the confirmation form carries only a token,
so full ID numbers never go back to the browser; the server checks it again before
importing."""

from __future__ import annotations

from functools import partial

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
    if action in ("import_all", "import_valid"):
        return confirm_import(only_valid=action == "import_valid")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的 CSV 文件", "error")
        return redirect(url_for("admin.import_register"))
    try:
        text = register_import.decode(upload.read())
    except Invalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.import_register"))
    report = register_import.check_csv(db.session, current_user, text)
    token = None
    if not report.file_errors and report.valid:
        token = uploads.keep_upload(db.session, current_user, text)
        db.session.commit()
    return _report_page(report, token)


def confirm_import(only_valid: bool):
    """Check the kept file again, then import it chunk by chunk, each chunk committed with
    the lines it imported; a refused chunk stops there and the upload stays kept, so
    confirming again resumes after the chunks already in."""
    token = request.form.get("upload", "")
    kept = uploads.kept_upload(db.session, current_user, token)
    if kept is None:
        flash("上传的文件已过期或不存在，请重新上传", "error")
        return redirect(url_for("admin.import_register"))
    report = register_import.check_csv(
        db.session, current_user, kept.content, skip_lines=frozenset(kept.imported_lines)
    )
    try:
        register_import.refuse_unless_importable(report, only_valid)
    except Invalid as exc:
        flash(exc.message, "error")
        return _report_page(report, token)
    imported_rows = imported_cases = 0
    for rows in register_import.chunks(report):
        cases, refused = unit_of_work(partial(_import_chunk, kept, rows))
        if refused is not None:
            if imported_rows:
                flash(f"已导入 {imported_rows} 条；其余记录未导入，可再次确认继续导入", "error")
            return _report_page(report, token)
        imported_rows += len(rows)
        imported_cases += len(cases)
    db.session.delete(kept)
    db.session.commit()
    flash(f"已导入 {imported_rows} 条名单记录（{imported_cases} 个列入决定），管理期计时已建立", "success")
    return redirect(url_for("register.list_entries"))


def _import_chunk(kept, rows):
    cases = register_import.import_rows(db.session, current_user, rows)
    kept.imported_lines = sorted({*kept.imported_lines, *(r.line for r in rows)})
    return cases


def _report_page(report, token):
    return render_template("admin/import.html", report=report, upload=token, columns=register_import.COLUMNS)
