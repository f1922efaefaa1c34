"""The public register (no login): search by name or code, paged; a page per entry
with a printable 查询结果 (time and verification code); checking a code; downloads."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from app.cases.inbox import Page
from app.clock import now
from app.extensions import db
from app.models import EntryStatus, RegisterEntry
from app.register.feed import feed_entry
from app.register.queries import count_published, published_entries, published_entry
from app.register.verification import make_code, read_code

bp = Blueprint("public", __name__, url_prefix="/public")
PER_PAGE = 20
MAX_PAGE = 10_000


@bp.route("/register")
def show_register():
    query = request.args.get("q", "").strip()[:100]
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    total = count_published(db.session, query)
    rows = published_entries(db.session, query, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    page = Page([feed_entry(e) for e in rows], total, number, PER_PAGE)
    return render_template("public/register.html", entries=page.rows, page=page, q=query)


@bp.route("/register/<int:entry_id>")
def show_entry(entry_id: int):
    entry = published_entry(db.session, entry_id)
    if entry is None:
        abort(404)
    at = now()
    code = make_code(current_app.config["SECRET_KEY"], entry.id, at, EntryStatus(entry.status).value)
    return render_template("public/entry.html", e=feed_entry(entry), at=at, code=code)


@bp.route("/verify")
def verify_code():
    code = request.args.get("code", "").strip()[:60]
    found = read_code(current_app.config["SECRET_KEY"], code) if code else None
    entry = db.session.get(RegisterEntry, found[0]) if found else None
    status = EntryStatus(found[2]).label if found and found[2] in {s.value for s in EntryStatus} else ""
    return render_template("public/verify.html", code=code, found=found, entry=entry, status=status)
