"""The signed-in user's own account: password change (and the first-login change)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.clock import now
from app.extensions import db
from app.org.tokens import revoke_all_tokens
from app.security.passwords import policy_problem
from app.web.auth.forms import PasswordForm
from app.web.auth.routes import bp, start_session

# Pages a user who must still change the initial password may open.
OPEN_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "static"}


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        problem = policy_problem(
            form.new_password.data, user.username, current_app.config["PASSWORD_MIN_LENGTH"]
        )
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append("当前密码不正确")
        elif form.new_password.data != form.confirm.data:
            form.confirm.errors.append("两次输入的新密码不一致")
        elif form.new_password.data == form.current_password.data:
            form.new_password.errors.append("新密码不能与当前密码相同")
        elif problem:
            form.new_password.errors.append(problem)
        else:
            user.set_password(form.new_password.data)
            user.must_change_password = False
            user.password_changed_at = now()
            user.session_generation += 1  # other sessions of this user are over
            revoke_all_tokens(db.session, user)
            db.session.commit()
            start_session(user)  # this one goes on with the new generation
            flash("密码已修改", "info")
            return redirect(url_for("inbox.show_inbox"))
    return render_template(
        "auth/password.html", form=form, min_length=current_app.config["PASSWORD_MIN_LENGTH"]
    )


@bp.before_app_request
def require_first_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in OPEN_BEFORE_CHANGE
        and not request.path.startswith("/api/")
    ):
        return redirect(url_for("auth.change_password"))
    return None
