"""Login and logout (Flask-Login sessions)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.security import throttle
from app.security.passwords import check_login
from app.web.auth.forms import LoginForm
from app.web.common import safe_next
from app.web.navigation import landing_endpoint

bp = Blueprint("auth", __name__)


def start_session(user: User) -> None:
    session.clear()  # a new session on sign-in (no fixation)
    session.permanent = True  # expires after SESSION_IDLE_HOURS without a request
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@throttle.per_account()
@throttle.per_address()
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.show_inbox"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if not check_login(user, form.password.data):
            throttle.note_failure()
            flash("用户名或密码错误", "error")
        else:
            start_session(user)
            if user.must_change_password:
                flash("首次登录，请先修改初始密码", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for(landing_endpoint(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # A copy of this session's cookie, replayed later, names an old generation: over.
    current_user.session_generation += 1
    db.session.commit()
    logout_user()
    session.clear()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))
