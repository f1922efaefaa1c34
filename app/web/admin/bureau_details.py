"""本局文书信息: the page where administrators keep what documents print about a
bureau (contact line, reconsideration body, court)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.org import bureau_details
from app.org.bureaus import managed_bureaus
from app.web.admin.routes import bp
from app.web.common import field_errors, role_required, unit_of_work


@bp.route("/bureaus/details", methods=["GET", "POST"])
@role_required("admin")
def edit_bureau_details():
    bureau_id = request.values.get("bureau_id", type=int) or current_user.bureau_id
    bureau = bureau_details.managed_bureau(db.session, current_user, bureau_id)
    errors, values = {}, {k: getattr(bureau, k) for k in bureau_details.FIELDS}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in bureau_details.FIELDS}
        _, refused = unit_of_work(
            lambda: bureau_details.update_details(db.session, current_user, bureau.id, values),
            done=f"已保存{bureau.name}的文书信息",
        )
        if refused is None:
            return redirect(url_for("admin.edit_bureau_details", bureau_id=bureau.id))
        errors = field_errors(refused)
    return render_template(
        "admin/bureau_details.html",
        bureau=bureau,
        bureaus=managed_bureaus(db.session, current_user),
        fields=bureau_details.FIELDS,
        values=values,
        errors=errors,
        max_length=bureau_details.MAX_LENGTH,
    ), (422 if errors else 200)
