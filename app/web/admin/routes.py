"""Administration: the holiday table."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.calendar import overrides as holidays
from app.calendar import workdays as cal
from app.clock import today
from app.extensions import db
from app.models import Bureau, CalendarYear, HolidayOverride
from app.web.common import role_required, unit_of_work

bp = Blueprint("admin", __name__, url_prefix="/admin")


def calendar_owner():
    """The bureau whose administrators keep the holiday table (CALENDAR_BUREAU_CODE)."""
    return db.session.scalar(select(Bureau).where(Bureau.code == current_app.config["CALENDAR_BUREAU_CODE"]))


def may_edit_calendar(user) -> bool:
    owner = calendar_owner()
    return owner is not None and user.bureau_id == owner.id and "admin" in user.roles


def calendar_owner_required(view):
    """Only administrators of the owning bureau change the table everyone counts with."""

    @wraps(view)
    @role_required("admin")
    def wrapped(*args, **kwargs):
        if not may_edit_calendar(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/holidays", methods=["GET"])
@role_required("admin")
def list_holidays():
    overrides = db.session.scalars(select(HolidayOverride).order_by(HolidayOverride.day)).all()
    confirmed = db.session.scalars(select(CalendarYear).order_by(CalendarYear.year)).all()
    this_year = today().year
    years = [
        {"year": y, "published": cal.is_published_year(y), "confirmed": any(c.year == y for c in confirmed)}
        for y in range(this_year - 1, this_year + 3)
    ]
    check = None
    start, n = request.args.get("start"), request.args.get("n", type=int)
    if start and n is not None:
        try:
            if not 0 <= n <= 366:
                raise ValueError("n out of range")
            check = cal.add_working_days(dt.date.fromisoformat(start), n, holidays.load_overrides(db.session))
        except (ValueError, OverflowError):
            flash("请输入正确的日期和 0 到 366 之间的工作日数", "error")
            check = None
    return render_template(
        "admin/holidays.html",
        overrides=overrides,
        years=years,
        check=check,
        start=start or "",
        n=n if n is not None else "",
        may_edit=may_edit_calendar(current_user),
        owner=calendar_owner(),
    )


@bp.route("/holidays", methods=["POST"])
@calendar_owner_required
def save_holiday():
    raw_day = request.form.get("day", "")
    kind = request.form.get("kind", "")
    name = request.form.get("name", "").strip()
    try:
        day = dt.date.fromisoformat(raw_day)
    except ValueError:
        flash("请填写正确的日期（如 2027-02-08）", "error")
        return redirect(url_for("admin.list_holidays"))
    if kind not in ("holiday", "workday"):
        flash("请选择“放假”或“调休上班”", "error")
        return redirect(url_for("admin.list_holidays"))
    unit_of_work(
        lambda: holidays.set_override(db.session, day, kind == "workday", name, current_user),
        done=f"已保存 {day.isoformat()}",
    )
    return redirect(url_for("admin.list_holidays"))


@bp.route("/holidays/<day>/delete", methods=["POST"])
@calendar_owner_required
def delete_holiday(day: str):
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        flash("日期有误", "error")
        return redirect(url_for("admin.list_holidays"))
    unit_of_work(lambda: holidays.delete_override(db.session, date), done=f"已删除 {day}")
    return redirect(url_for("admin.list_holidays"))


@bp.route("/holidays/years/<int:year>/confirm", methods=["POST"])
@calendar_owner_required
def confirm_year(year: int):
    unit_of_work(
        lambda: holidays.confirm_year(db.session, year, current_user),
        done=f"已确认 {year} 年节假日安排已全部录入",
    )
    return redirect(url_for("admin.list_holidays"))
