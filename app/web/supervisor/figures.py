"""The figures of the work: charts and tables, each table exportable as CSV."""

from __future__ import annotations

from flask import Response, abort, flash, render_template, request

from app.calendar.overrides import load_overrides
from app.clock import now, today
from app.extensions import db
from app.stats.cache import Figures, cached_figures
from app.stats.period import parse_period
from app.stats.tables import TABLES, table_rows, to_csv
from app.supervision.scope import bureau_tree
from app.web.common import role_required
from app.web.supervisor.blueprint import bp, scoped, visible


def _figures() -> tuple[Figures, dict]:
    period, errors = parse_period(request.args, today())
    bureau_id = request.args.get("bureau", type=int)
    computed = cached_figures(
        db.session, scoped(bureau_id), period, now(), lambda: load_overrides(db.session)
    )
    return computed, errors


@bp.route("/figures")
@role_required("supervisor")
def show_figures():
    computed, errors = _figures()
    for message in errors.values():
        flash(f"统计区间有误，已改用默认区间：{message}", "error")
    tables = {name: table_rows(computed.data, name) for name in TABLES}
    return render_template(
        "supervisor/figures.html",
        figures=computed.data,
        computed=computed,
        tables=tables,
        bureaus=bureau_tree(db.session, visible()),
        bureau_id=request.args.get("bureau", type=int),
        query={k: v for k, v in request.args.items() if k in ("since", "until", "bureau") and v},
    )


@bp.route("/figures/<name>.csv")
@role_required("supervisor")
def export_figures(name: str):
    if name not in TABLES:
        abort(404)
    data = _figures()[0].data
    filename = f"{name}_{data['period']['since']}_{data['period']['until']}.csv"
    return Response(
        to_csv(data, name),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
