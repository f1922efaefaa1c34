"""Officers' register pages: propose a listing, browse the register, open an entry
with its documents and start its exceptional paths (withdrawal, revocation)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app import engine
from app.domain.listing_rules import SUBJECT_KINDS, SUBJECT_ROLES, situation_choice
from app.domain.measures import MEASURES, measure_label
from app.domain.sectors import SECTORS
from app.domain.situations import SITUATIONS
from app.extensions import db
from app.models import ACTIVE_STATUSES, Case, EntryStatus, RegisterEntry
from app.org.access import visible_bureau_ids
from app.register.documents import documents_for
from app.register.exceptional_cases import REVOCABLE, WITHDRAWABLE, start_revocation, start_withdrawal
from app.register.proposals import start_listing
from app.web.common import field_errors, form_values, get_visible_or_404, role_required, unit_of_work

bp = Blueprint("register", __name__)
SUBJECT_ROWS = 5

bp.add_app_template_filter(measure_label, "measure_label")


def load_entry(entry_id: int) -> RegisterEntry:
    return get_visible_or_404(RegisterEntry, entry_id, "名单记录不存在")


def _start_case(starter, submitted: dict, message: str):
    """Run a case starter: (redirect to the new case, {}) once committed, or
    (None, field errors) with nothing changed."""
    case, refused = unit_of_work(
        lambda: starter(db.session, current_user, submitted),
        done=lambda case: message.format(number=case.number),
    )
    if refused is not None:
        return None, field_errors(refused)
    return redirect(url_for("cases.show_case", case_id=case.id)), {}


def _submitted_subjects() -> list[dict]:
    subjects = []
    for i in range(SUBJECT_ROWS):
        keys = ("kind", "name", "code", "role", "address", "contact", "legal_rep")
        row = {k: request.form.get(f"subject_{k}_{i}", "").strip() for k in keys}
        if not row["name"] and not row["code"]:
            continue
        item = {k: row[k] for k in ("kind", "name", "role", "address", "contact", "legal_rep")}
        item["id_number" if row["kind"] == "person" else "credit_code"] = row["code"]
        subjects.append(item)
    return subjects


@bp.route("/listing/new", methods=["GET", "POST"])
@role_required("officer")
def new_listing():
    version = engine.published_version(db.session, "listing")
    if version is None:
        abort(404)
    values, errors, existing = {}, {}, []
    if request.method == "POST":
        fields = [f for f in engine.start_form(version) if f.id != "measures"]
        values = form_values(fields)
        values["measures"] = request.form.getlist("measures")
        subjects = _submitted_subjects()
        if not request.form.get("confirm_existing"):
            existing = _on_the_register([s.get("credit_code") for s in subjects])
        if not existing:
            done, errors = _start_case(
                start_listing,
                {**values, "subjects": subjects, "sector": request.form.get("sector", "")},
                "已发起列入程序，案件编号 {number}，已送法制审核",
            )
            if done:
                return done
    situations = [(code, situation_choice(code)) for code in SITUATIONS]
    return render_template(
        "register/new_listing.html",
        values=values,
        errors=errors,
        situations=situations,
        measures=MEASURES,
        kinds=SUBJECT_KINDS,
        roles=SUBJECT_ROLES,
        sectors=SECTORS,
        rows=range(SUBJECT_ROWS),
        form=request.form,
        existing=existing,
    )


def _on_the_register(codes: list) -> list[RegisterEntry]:
    """Entries the officer can see that already carry one of these credit codes and
    are listed or being listed: shown (with links) before a second listing starts."""
    codes = [c.strip().upper() for c in codes if c and c.strip()][:SUBJECT_ROWS]
    if not codes:
        return []
    return db.session.scalars(
        select(RegisterEntry)
        .where(
            RegisterEntry.credit_code.in_(codes),
            RegisterEntry.bureau_id.in_(visible_bureau_ids(db.session, current_user)),
            RegisterEntry.status.in_([s.value for s in (*ACTIVE_STATUSES, EntryStatus.PROPOSED)]),
        )
        .order_by(RegisterEntry.id)
        .limit(20)
    ).all()


@bp.route("/register")
@login_required
def list_entries():
    status = request.args.get("status", "")
    query = request.args.get("q", "").strip()[:100]
    stmt = select(RegisterEntry).where(
        RegisterEntry.bureau_id.in_(visible_bureau_ids(db.session, current_user))
    )
    if status in {s.value for s in EntryStatus}:
        stmt = stmt.where(RegisterEntry.status == status)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(
            or_(
                RegisterEntry.subject_name.like(like),
                RegisterEntry.credit_code.like(like),
                RegisterEntry.penalty_number.like(like),
                RegisterEntry.decision_number.like(like),
            )
        )
    entries = db.session.scalars(stmt.order_by(RegisterEntry.id.desc()).limit(500)).unique().all()
    return render_template(
        "register/list.html", entries=entries, status=status, q=query, statuses=list(EntryStatus)
    )


@bp.route("/register/<int:entry_id>")
@login_required
def show_entry(entry_id: int):
    entry = load_entry(entry_id)
    cases = (
        db.session.scalars(
            select(Case)
            .where(or_(Case.register_entry_id == entry.id, Case.id == entry.listing_case_id))
            .order_by(Case.created_at)
        )
        .unique()
        .all()
    )
    mine = "officer" in current_user.roles and current_user.bureau_id == entry.bureau_id
    return render_template(
        "register/show.html",
        entry=entry,
        cases=cases,
        documents=documents_for(db.session, entry_id=entry.id),
        can_withdraw=mine and EntryStatus(entry.status) in WITHDRAWABLE,
        can_revoke=mine and EntryStatus(entry.status) in REVOCABLE,
    )


CORRECTIONS = {
    "withdrawal": (start_withdrawal, "撤销列入（行政处罚被撤销或变更）"),
    "revocation": (start_revocation, "撤销提前移出决定（恢复列入）"),
}


@bp.route("/register/<int:entry_id>/<any(withdrawal, revocation):process>", methods=["GET", "POST"])
@role_required("officer")
def start_correction(entry_id: int, process: str):
    entry = load_entry(entry_id)
    starter, title = CORRECTIONS[process]
    version = engine.published_version(db.session, process)
    if version is None:
        abort(404)
    fields = [f for f in engine.start_form(version) if f.id != "listing_id"]
    values, errors = {}, {}
    if request.method == "POST":
        values = form_values(fields)
        done, errors = _start_case(
            starter, {**values, "listing_id": entry.id}, f"已发起{title}，案件编号 {{number}}"
        )
        if done:
            return done
    return render_template(
        "register/correction.html", entry=entry, fields=fields, values=values, errors=errors, title=title
    )
