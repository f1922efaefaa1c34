"""The process designer: versions of each process, the bpmn-js editor, the diff
against the published version, upload, download and publishing."""

from __future__ import annotations

from itertools import groupby

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app import engine
from app.engine import deploy, ownership
from app.engine.bpmn_xml import as_text
from app.engine.errors import InvalidProcess, NotAllowed
from app.engine.model import read_process_id
from app.extensions import db
from app.models import ProcessVersion
from app.web.common import role_required, unit_of_work
from app.web.designer import case_diagram, starter  # noqa: F401  (attach their routes)
from app.web.designer.blueprint import bp
from app.web.designer.help import function_help, role_help
from app.web.designer.payload import bpmn_upload, change_note, draft_json, xml_download

DESIGNERS = ("designer", "admin")


def _version_or_404(key: str, number: int) -> ProcessVersion:
    version = deploy.find_version(db.session, key, number)
    if version is None:
        abort(404)
    return version


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or not request.files


@bp.route("/")
@role_required(*DESIGNERS)
def list_processes():
    processes = []
    for key, group in groupby(deploy.version_rows(db.session), key=lambda r: r.version.key):
        rows = list(group)  # newest first
        published = next((r for r in rows if r.version.state == "published"), None)
        drafts = [
            r
            for r in rows
            if r.version.state == "draft"
            and (published is None or r.version.number > published.version.number)
        ]
        processes.append(
            {
                "key": key,
                "name": rows[0].version.name,
                "published": published,
                "drafts": drafts,
                "active_cases": sum(r.active_cases for r in rows),
            }
        )
    return render_template("designer/index.html", processes=processes)


@bp.route("/processes", methods=["POST"])
@role_required(*DESIGNERS)
def create_process():
    """Upload a BPMN file made elsewhere: a new process, or a draft of the one it names."""
    data = bpmn_upload()
    try:
        refused = deploy.draft_refusal(None, data)
        data = as_text(data) if not refused else data
    except InvalidProcess as exc:
        refused = {"file": exc.message}
    if refused:
        return _refuse_draft(refused)
    parsed = read_process_id(data)
    if not parsed.process_id:  # nothing names the process: there is nowhere to store it
        for problem in parsed.errors[:5]:
            flash(f"无法读取流程：{problem['message']}", "error")
        return redirect(url_for("designer.list_processes"))
    return _store_draft(parsed.process_id, data)


@bp.route("/processes/<key>")
@role_required(*DESIGNERS)
def show_process(key: str):
    rows = deploy.version_rows(db.session, key)
    if not rows:
        abort(404)
    published = next((r.version for r in rows if r.version.state == "published"), None)
    return render_template(
        "designer/process.html",
        key=key,
        name=rows[0].version.name,
        rows=rows,
        published=published,
        owner=ownership.owner_name(db.session, key),
        may_write=ownership.may_write(db.session, current_user, key),
        may_publish=ownership.is_at_or_above(db.session, current_user, ownership.owner(db.session, key)),
        newest=max((r.version.number for r in rows if r.version.state != "discarded"), default=0),
    )


@bp.route("/processes/<key>/versions/<int:number>.bpmn")
@role_required(*DESIGNERS)
def download_version(key: str, number: int):
    version = _version_or_404(key, number)
    return xml_download(version)


@bp.route("/processes/<key>/versions/<int:number>/edit")
@role_required(*DESIGNERS)
def edit_version(key: str, number: int):
    version = _version_or_404(key, number)
    published = deploy.published_version(db.session, key)
    config = {
        "key": key,
        "number": number,
        "state": version.state,
        "errors": version.errors or [],
        "warnings": (version.meta or {}).get("warnings", []),
        "csrf": generate_csrf(),
        "xml_url": url_for("designer.download_version", key=key, number=number),
        "save_url": url_for("designer.save_draft", key=key),
        "fix_url": url_for("designer.make_version_executable", key=key, number=number),
        "process_url": url_for("designer.show_process", key=key),
        "published_number": published.number if published else None,
        "published_xml_url": url_for("designer.download_version", key=key, number=published.number)
        if published
        else None,
    }
    return render_template(
        "designer/edit.html",
        version=version,
        published=published,
        owner=ownership.owner_name(db.session, key),
        own_draft=version.state == "draft" and version.author_id == current_user.id,
        config=config,
        functions=function_help(),
        roles=role_help(),
    )


@bp.route("/processes/<key>/versions/<int:number>/diff")
@role_required(*DESIGNERS)
def diff_version(key: str, number: int):
    version = _version_or_404(key, number)
    against = request.args.get("against", type=int)
    if against is None:
        published = deploy.published_version(db.session, key)
        against = published.number if published and published.number != number else number - 1
    base = deploy.find_version(db.session, key, against) if against else None
    if base is None:
        flash("没有可比较的版本", "info")
        return redirect(url_for("designer.show_process", key=key))
    config = {
        "left_url": url_for("designer.download_version", key=key, number=base.number),
        "right_url": url_for("designer.download_version", key=key, number=number),
    }
    return render_template("designer/diff.html", version=version, base=base, config=config)


@bp.route("/processes/<key>/drafts", methods=["POST"])
@role_required(*DESIGNERS)
def save_draft(key: str):
    """From the editor (XML body, JSON answer) or the upload form (file, redirect)."""
    return _store_draft(key, bpmn_upload(), expected_key=key)


def _refuse_draft(errors: dict[str, str]):
    """Nothing stored: a malformed key, an oversized or unreadable file."""
    if _wants_json():
        return jsonify({"message": "；".join(errors.values()), "errors": errors}), 422
    for message in errors.values():
        flash(message, "error")
    return redirect(url_for("designer.list_processes"))


def _store_draft(key: str, data: bytes | str, expected_key: str | None = None):
    refused = deploy.draft_refusal(expected_key, data.encode() if isinstance(data, str) else data)
    if refused:
        return _refuse_draft(refused)
    try:
        version = deploy.save_draft(db.session, data, current_user, change_note(), expected_key=expected_key)
    except InvalidProcess as exc:
        return _refuse_draft({"file": exc.message})
    except NotAllowed as exc:  # another bureau's process: the editor shows the message
        db.session.rollback()
        if _wants_json():
            return jsonify({"message": exc.message}), 403
        raise
    db.session.commit()
    edit_url = url_for("designer.edit_version", key=version.key, number=version.number)
    if _wants_json():
        body = {
            **draft_json(version),
            "edit_url": edit_url,
            "diff_url": url_for("designer.diff_version", key=version.key, number=version.number),
            "process_url": url_for("designer.show_process", key=version.key),
        }
        return jsonify(body), (422 if version.errors else 201)
    if version.errors:
        flash(
            f"已保存为第 {version.number} 版草稿，但有 {len(version.errors)} 个问题，修正后才能发布", "error"
        )
    else:
        flash(f"已保存为第 {version.number} 版草稿，请由管理员或另一位流程设计人员审核发布", "success")
    return redirect(edit_url)


@bp.route("/processes/<key>/versions/<int:number>/publish", methods=["POST"])
@role_required(*DESIGNERS)
def publish_version(key: str, number: int):
    version = _version_or_404(key, number)
    ownership.check_may_publish(db.session, current_user, key)  # another bureau's: the 403 page
    unit_of_work(
        lambda: engine.publish(db.session, version, current_user),
        done=f"第 {number} 版已发布：新案件按此版办理，办理中的案件继续按原版本办理",
    )
    return redirect(url_for("designer.show_process", key=key))


@bp.route("/processes/<key>/versions/<int:number>/discard", methods=["POST"])
@role_required(*DESIGNERS)
def discard_version(key: str, number: int):
    version = _version_or_404(key, number)
    unit_of_work(
        lambda: deploy.discard_draft(db.session, version, current_user),
        done=f"已放弃第 {number} 版草稿",
    )
    return redirect(url_for("designer.show_process", key=key))
