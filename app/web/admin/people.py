"""Administration pages: the bureau tree, staff accounts (create, edit, deactivate,
reset the password, import from CSV) and roles.  The services in app/org decide;
these views only read forms and show the outcome."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.org import bureaus, roles, user_import, users
from app.web.admin.routes import bp
from app.web.common import field_errors, role_required, unit_of_work


def _actor():
    return current_user._get_current_object()


def _choices():
    return {
        "bureau_tree": bureaus.bureau_tree(db.session, _actor()),
        "roles": roles.catalogue(db.session),
    }


# --- bureaus -------------------------------------------------------------------


@bp.route("/bureaus", methods=["GET", "POST"])
@role_required("admin")
def list_bureaus():
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("name", "code", "parent_id", "doc_prefix")}
        bureau, error = unit_of_work(
            lambda: bureaus.create_bureau(db.session, _actor(), values), lambda b: f"已新增机关：{b.name}"
        )
        if error is None:
            return redirect(url_for("admin.list_bureaus"))
        errors = field_errors(error)
    tree = bureaus.bureau_tree(db.session, _actor())
    staff = {}
    for u in users.list_users(db.session, _actor()):
        staff[u.bureau_id] = staff.get(u.bureau_id, 0) + 1
    parents = [n for n in tree if n.bureau.level in bureaus.CHILD_LEVEL]
    return render_template(
        "admin/bureaus.html",
        tree=tree,
        staff=staff,
        parents=parents,
        levels=bureaus.LEVEL_LABELS,
        errors=errors,
        values=values,
    ), (422 if errors else 200)


# --- roles ---------------------------------------------------------------------


@bp.route("/roles", methods=["GET", "POST"])
@role_required("admin")
def list_roles():
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("code", "name")}
        _, error = unit_of_work(
            lambda: roles.create_role(db.session, _actor(), values["code"], values["name"]),
            lambda r: f"已新增角色：{r.name}（{r.code}）",
        )
        if error is None:
            return redirect(url_for("admin.list_roles"))
        errors = field_errors(error)
    holders = {}
    for u in users.list_users(db.session, _actor()):
        for code in u.roles:
            holders[code] = holders.get(code, 0) + 1
    return render_template(
        "admin/roles.html", roles=roles.catalogue(db.session), holders=holders, errors=errors, values=values
    ), (422 if errors else 200)


# --- users ---------------------------------------------------------------------


def _user_form() -> dict:
    return {
        "username": request.form.get("username", ""),
        "name": request.form.get("name", ""),
        "password": request.form.get("password", ""),
        "roles": request.form.getlist("roles"),
        "bureau_id": request.form.get("bureau_id", ""),
    }


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def list_users():
    errors, values = {}, {"bureau_id": str(current_user.bureau_id), "roles": []}
    if request.method == "POST":
        values = _user_form()
        created, error = unit_of_work(
            lambda: users.create_user(db.session, _actor(), values),
            lambda u: f"已新增用户 {u.username}，首次登录须修改初始密码",
        )
        if error is None:
            return redirect(url_for("admin.list_users"))
        errors = field_errors(error)
        values["password"] = ""  # never sent back to the browser
    bureau_id = request.args.get("bureau", type=int)
    listed = users.list_users(db.session, _actor(), bureau_id=bureau_id)
    return render_template(
        "admin/users.html",
        users=listed,
        bureau_filter=bureau_id,
        errors=errors,
        values=values,
        min_length=_min_length(),
        **_choices(),
    ), (422 if errors else 200)


def _min_length() -> int:
    from flask import current_app

    return current_app.config["PASSWORD_MIN_LENGTH"]


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    person = users.managed_user(db.session, _actor(), user_id)  # 404 outside the admin's bureaus
    errors, values = {}, {}
    action = request.form.get("action", "") if request.method == "POST" else ""
    if action == "save":
        values = {
            "name": request.form.get("name", ""),
            "roles": request.form.getlist("roles"),
            "bureau_id": request.form.get("bureau_id", ""),
        }
        _, error = unit_of_work(lambda: users.update_user(db.session, _actor(), user_id, values), "已保存")
        if error is None:
            return redirect(url_for("admin.edit_user", user_id=user_id))
        errors = field_errors(error)
    elif action in ("deactivate", "activate"):
        unit_of_work(
            lambda: users.update_user(db.session, _actor(), user_id, {"active": action == "activate"}),
            "账号已启用" if action == "activate" else "账号已停用，其登录会话和访问令牌已失效",
        )
        return redirect(url_for("admin.edit_user", user_id=user_id))
    elif action == "reset_password":
        _, error = unit_of_work(
            lambda: users.reset_password(db.session, _actor(), user_id, request.form.get("password", "")),
            "密码已重置，该用户下次登录时须修改密码",
        )
        if error is None:
            return redirect(url_for("admin.edit_user", user_id=user_id))
        errors = field_errors(error)
    person = users.managed_user(db.session, _actor(), user_id)
    shown = {
        "name": values.get("name", person.display_name),
        "roles": values.get("roles", sorted(person.roles)),
        "bureau_id": str(values.get("bureau_id", person.bureau_id)),
    }
    return render_template(
        "admin/user_edit.html",
        person=person,
        errors=errors,
        values=shown,
        min_length=_min_length(),
        is_self=person.id == current_user.id,
        **_choices(),
    ), (422 if errors else 200)


@bp.route("/users/import", methods=["GET", "POST"])
@role_required("admin")
def import_users():
    problems: list[str] = []
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(user_import.MAX_BYTES + 1) if upload is not None and upload.filename else b""
        if not data:
            problems = ["请选择要导入的 CSV 文件"]
        else:
            result, error = unit_of_work(
                lambda: user_import.import_users(db.session, _actor(), data),
                lambda r: f"已导入 {len(r.created)} 个用户，首次登录须修改初始密码",
            )
            if error is None:
                return redirect(url_for("admin.list_users"))
            problems = error.errors if isinstance(error.errors, list) else []
    return render_template(
        "admin/user_import.html",
        problems=problems,
        columns=user_import.COLUMNS,
        max_rows=user_import.MAX_ROWS,
        max_kb=user_import.MAX_BYTES // 1024,
    ), (422 if problems else 200)


@bp.route("/users/import/template.csv")
@role_required("admin")
def user_import_template():
    return Response(
        "\ufeff" + user_import.TEMPLATE,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="users-template.csv"'},
    )
