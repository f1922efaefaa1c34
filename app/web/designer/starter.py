"""Starting points for a designer: a blank process, the one-click fix for a file
whose process is marked non-executable (as Camunda Modeler files often are), and
which processes call which."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from lxml import etree
from sqlalchemy import select

from app.engine import deploy
from app.engine.blank import blank_process, check_new_process
from app.engine.bpmn_xml import make_executable, safe_parser
from app.extensions import db
from app.models import ProcessVersion
from app.web.common import role_required
from app.web.designer.blueprint import bp

DESIGNERS = ("designer", "admin")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _created(version: ProcessVersion, message: str):
    edit_url = url_for("designer.edit_version", key=version.key, number=version.number)
    if _wants_json():
        return jsonify(
            {"key": version.key, "number": version.number, "edit_url": edit_url, "errors": version.errors}
        ), 201
    flash(message, "success")
    return redirect(edit_url)


@bp.route("/processes/new", methods=["POST"])
@role_required(*DESIGNERS)
def new_process():
    """A blank process (one lane, a start, one user task, an end) as a first draft."""
    data = request.get_json(silent=True) if request.is_json else request.form
    key = str((data or {}).get("key") or "").strip()
    name = " ".join(str((data or {}).get("name") or "").split())
    existing = set(db.session.scalars(select(ProcessVersion.key).distinct()))
    errors = check_new_process(key, name, existing)
    if errors:
        if _wants_json():
            return jsonify({"errors": errors}), 422
        for message in errors.values():
            flash(message, "error")
        return redirect(url_for("designer.list_processes"))
    version = deploy.save_draft(
        db.session, blank_process(key, name), current_user, "新建空白流程", expected_key=key
    )
    db.session.commit()
    return _created(version, f"已新建流程“{name}”（第 {version.number} 版草稿），请在图上添加环节")


@bp.route("/processes/<key>/versions/<int:number>/make-executable", methods=["POST"])
@role_required(*DESIGNERS)
def make_version_executable(key: str, number: int):
    """The fix the editor offers for isExecutable="false": the same diagram, marked
    executable, saved as a new draft."""
    version = deploy.find_version(db.session, key, number)
    if version is None:
        abort(404)
    root = etree.fromstring(version.xml.encode("utf-8"), parser=safe_parser())
    if not make_executable(root, key):
        abort(404)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode")
    draft = deploy.save_draft(db.session, xml, current_user, "设为可执行", expected_key=key)
    db.session.commit()
    return _created(draft, f"已设为可执行，保存为第 {draft.number} 版草稿")


@bp.route("/calls")
@role_required(*DESIGNERS)
def process_calls():
    """Which processes call which (from each process's newest version)."""
    return render_template("designer/calls.html", calls=deploy.call_graph(db.session))
