"""The applicant portal's pages: sign up, wait for the clerk, apply for early removal,
answer a 补正 notice or state a case, read documents; and the clerk's confirmation page.
Applicants signed in are kept inside the portal (and the public pages)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import engine
from app.attachments.service import Limits
from app.errors import AppError
from app.extensions import db
from app.portal import PARTY_STEP_KINDS
from app.portal.accounts import approved_profile, register_account, review, reviewable, subject_entries
from app.portal.cases import (
    answer_step,
    apply_online,
    open_document,
    own_attachment,
    own_attachments,
    own_case,
    own_cases,
    party_tasks,
    served_documents,
)
from app.register.documents import printed
from app.web.common import field_errors, form_values, role_required, unit_of_work
from app.web.form_files import pending_files
from app.web.portal.files import attach_application_files, store_step_files
from app.web.uploads import TOO_LARGE, accepts_uploads, form_too_large, send_attachment

bp = Blueprint("portal", __name__, url_prefix="/portal")
OPEN_TO_APPLICANTS = {"portal", "auth", "public", "static"}


@bp.before_app_request
def keep_applicants_in_the_portal():
    if not current_user.is_authenticated or getattr(current_user, "applicant_profile", None) is None:
        return None
    if (
        request.blueprint in OPEN_TO_APPLICANTS
        or request.path.startswith("/api/")
        or request.endpoint is None
    ):
        return None
    return redirect(url_for("portal.home"))


def _profile():
    try:
        return approved_profile(current_user)
    except AppError:
        return None


@bp.route("/")
@login_required
def home():
    profile = getattr(current_user, "applicant_profile", None)
    if profile is None:
        abort(404)
    approved = _profile()
    return render_template(
        "portal/home.html",
        profile=profile,
        entries=subject_entries(db.session, profile) if approved else [],
        cases=own_cases(db.session, profile) if approved else [],
        documents=served_documents(db.session, profile) if approved else [],
    )


@bp.route("/register", methods=["GET", "POST"])
def sign_up():
    values, errors, done = {}, {}, None
    if request.method == "POST":
        values = {
            k: request.form.get(k, "").strip() for k in ("username", "name", "credit_code", "id_number")
        }
        values["password"] = request.form.get("password", "")
        body = {k: v for k, v in values.items() if v}
        done, error = unit_of_work(lambda: register_account(db.session, body))
        errors = field_errors(error)
        values.pop("password")
    return render_template("portal/register.html", values=values, errors=errors, done=done)


@bp.route("/apply", methods=["GET", "POST"])
@accepts_uploads
@login_required
def apply():
    profile = _profile() or abort(403)
    entries = [e for e in subject_entries(db.session, profile) if str(e.status) == "listed"]
    errors: dict = {}
    form = {} if form_too_large() else request.form
    if request.method == "POST" and form_too_large():
        errors = {"_form": TOO_LARGE}
    elif request.method == "POST":
        body = {
            "register_entry_id": request.form.get("register_entry_id", type=int),
            "materials": [m.strip() for m in request.form.get("materials", "").splitlines() if m.strip()],
            "commitment_given": "commitment_given" in request.form,
            "penalty_carried_out": "penalty_carried_out" in request.form,
        }

        def work():
            case = apply_online(db.session, current_user, profile, body)
            attach_application_files(case, current_user, profile)
            return case

        case, error = unit_of_work(work, lambda c: f"申请已提交，案件编号 {c.number}")
        if case is not None:
            return redirect(url_for("portal.show_case", case_id=case.id))
        errors = field_errors(error)
    return render_template(
        "portal/apply.html", entries=entries, errors=errors, form=form, upload_limits=Limits.officers()
    )


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@accepts_uploads
@login_required
def show_case(case_id: int):
    profile = _profile() or abort(403)
    try:
        case = own_case(db.session, profile, case_id)
    except AppError:
        abort(404)
    steps = case.process_version.meta.get("steps", {})
    awaiting = party_tasks(db.session, case)
    forms = [(t, steps[t.step]["kind"], engine.task_form(case.process_version, t.step)) for t in awaiting]
    errors: dict = {}
    values: dict = {}
    if request.method == "POST" and form_too_large():
        errors = {"_form": TOO_LARGE}
    elif request.method == "POST":
        kind = request.form.get("kind", "")
        chosen = next(((t, f) for t, k, f in forms if k == kind), None)
        if kind not in PARTY_STEP_KINDS or chosen is None:
            abort(404)
        item, form = chosen
        values = form_values(form)
        stored, errors = store_step_files(case, item, current_user, profile)
        values.update(stored)
        if not errors:
            _, error = unit_of_work(
                lambda: answer_step(db.session, current_user, profile, case.id, kind, values),
                "已提交，承办人将依法处理",
            )
            if error is None:
                return redirect(url_for("portal.show_case", case_id=case.id))
            errors = field_errors(error)
    for item, _kind, form in forms:
        if not values:
            values.update(pending_files(case, form, item))
    documents = [d for d in served_documents(db.session, profile) if d.case_id == case.id]
    attachments = own_attachments(db.session, profile, case)
    return render_template(
        "portal/case.html",
        case=case,
        forms=forms,
        errors=errors,
        documents=documents,
        values=values,
        attachments=attachments,
        files={a.id: a for a in attachments},
        download="portal.download_attachment",
        upload_limits=Limits.officers(),
    )


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download_attachment(attachment_id: int):
    profile = _profile() or abort(403)
    try:
        attachment = own_attachment(db.session, profile, attachment_id)
    except AppError:
        abort(404)
    return send_attachment(attachment)


@bp.route("/documents/<int:document_id>")
@login_required
def show_document(document_id: int):
    profile = _profile() or abort(403)
    document, error = unit_of_work(lambda: open_document(db.session, current_user, profile, document_id))
    if document is None:
        abort(404)
    return render_template("portal/document.html", document=document, view=printed(document))


@bp.route("/reviews", methods=["GET", "POST"])
@role_required("clerk", "admin")
def reviews():
    if request.method == "POST":
        profile_id = request.form.get("profile_id", type=int) or 0
        approve = request.form.get("decision") == "approve"
        unit_of_work(
            lambda: review(db.session, current_user, profile_id, approve), "已确认" if approve else "已退回"
        )
        return redirect(url_for("portal.reviews"))
    return render_template("portal/reviews.html", pending=reviewable(db.session, current_user))
