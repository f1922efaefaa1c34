"""Login and logout (Flask-Login sessions)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.web.auth.forms import LoginForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no host, no protocol-relative //evil."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.show_inbox"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is None or not user.check_password(form.password.data) or not user.active:
            flash("用户名或密码错误", "error")
        else:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("inbox.show_inbox"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))


def role_required(*roles: str):
    """The user must hold at least one of the roles."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.roles.intersection(roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
