"""Measures departments report back (联合惩戒 outcomes), counted by department."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import today
from app.domain.identifiers import credit_code_error
from app.errors import Invalid
from app.models import MeasureFeedback, Organisation, RegisterEntry

MEASURES = {
    "loan_refused": "拒绝或限制贷款",
    "bid_excluded": "限制参与招标投标",
    "procurement_excluded": "限制参与政府采购",
    "subsidy_refused": "限制财政资金、补贴支持",
    "land_restricted": "限制土地供应",
    "permit_restricted": "从严审查行政许可",
    "honour_refused": "取消评优评先资格",
    "insurance_raised": "提高保险费率",
    "other": "其他惩戒措施",
}
MAX_DESCRIPTION = 2000
OLDEST = dt.timedelta(days=366 * 5)


def _applied_on(raw) -> dt.date:
    if raw in (None, ""):
        return today()
    try:
        day = dt.date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid("提交的内容有误", {"applied_on": "日期格式应为 YYYY-MM-DD"}) from None
    if day > today() or day < today() - OLDEST:
        raise Invalid("提交的内容有误", {"applied_on": "实施日期不能晚于今天，也不能早于五年前"})
    return day


def report_measure(session: Session, organisation: Organisation, body: dict) -> MeasureFeedback:
    errors = {}
    code = str(body.get("credit_code") or "").strip().upper()
    problem = credit_code_error(code) if code else "请填写统一社会信用代码"
    if problem:
        errors["credit_code"] = problem
    measure = body.get("measure")
    if measure not in MEASURES:
        errors["measure"] = "请选择惩戒措施：" + "、".join(MEASURES)
    description = body.get("description") or ""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        errors["description"] = f"说明应为不超过{MAX_DESCRIPTION}字的文字"
    if errors:
        raise Invalid("提交的内容有误", errors)
    applied_on = _applied_on(body.get("applied_on"))
    entry = session.scalar(
        select(RegisterEntry)
        .where(RegisterEntry.credit_code == code, RegisterEntry.listed_on.is_not(None))
        .order_by(RegisterEntry.listed_on.desc())
        .limit(1)
    )
    if entry is None:
        raise Invalid("提交的内容有误", {"credit_code": "该主体不在严重失信主体名单中"})
    feedback = MeasureFeedback(
        organisation_id=organisation.id,
        bureau_id=entry.bureau_id,
        register_entry_id=entry.id,
        credit_code=code,
        measure=measure,
        description=description.strip(),
        applied_on=applied_on,
    )
    session.add(feedback)
    session.flush()
    return feedback


def feedback_by_organisation(
    session: Session, bureau_ids: set[int], since: dt.date, until: dt.date
) -> list[dict]:
    """Joint-punishment outcomes per department and measure applied in the period."""
    rows = session.execute(
        select(Organisation.name, Organisation.kind, MeasureFeedback.measure, func.count(MeasureFeedback.id))
        .join(Organisation, Organisation.id == MeasureFeedback.organisation_id)
        .where(
            MeasureFeedback.bureau_id.in_(bureau_ids),
            MeasureFeedback.applied_on >= since,
            MeasureFeedback.applied_on <= until,
        )
        .group_by(Organisation.name, Organisation.kind, MeasureFeedback.measure)
        .order_by(Organisation.name, MeasureFeedback.measure)
    ).all()
    return [
        {
            "organisation": name,
            "kind": kind,
            "measure": measure,
            "measure_label": MEASURES.get(measure, measure),
            "count": count,
        }
        for name, kind, measure, count in rows
    ]
