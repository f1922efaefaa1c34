"""Rules for proposing a listing: who may be listed for which situation, the
subjects' identifiers, the penalty decision, and the management period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.calendar.workdays import add_months
from app.domain.eligibility import MIN_MONTHS_LISTED
from app.domain.identifiers import credit_code_error, id_number_error, mask_id_number
from app.domain.situations import SITUATIONS

SUBJECT_KINDS = {"unit": "生产经营单位", "institution": "安全评价/认证/检测/检验机构", "person": "自然人"}
SUBJECT_ROLES = {
    "unit": "生产经营单位",
    "institution": "中介机构",
    "principal": "主要负责人",
    "responsible": "有关责任人员",
    "direct": "直接责任人员",
}
# Which kinds of subject each situation lists (PROCEDURE.md, "who is listed").
KINDS_BY_SITUATION: dict[str, set[str]] = {
    "ACC_PRINCIPAL_FLED": {"person"},
    "VIO_INTERMEDIARY_FRAUD": {"institution", "person"},
    "VIO_OTHER_SERIOUS": {"unit", "institution", "person"},
}
DEFAULT_KINDS = {"unit", "person"}
MAX_SUBJECTS = 20
PARTY_FIELDS = (("address", "送达地址", 200), ("contact", "联系电话", 50), ("legal_rep", "法定代表人", 50))
MANAGEMENT_YEARS = 3  # statutory; listing.bpmn's `period_years` says the same for the flow


@dataclass(frozen=True)
class Subject:
    kind: str
    name: str
    role: str
    credit_code: str | None = None
    id_number_masked: str | None = None
    # what service needs (送达): optional, kept with the case
    address: str = ""
    contact: str = ""
    legal_rep: str = ""

    @property
    def identifier(self) -> str:
        return self.credit_code or self.id_number_masked or ""

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "role": self.role,
            "credit_code": self.credit_code,
            "id_number_masked": self.id_number_masked,
            "address": self.address,
            "contact": self.contact,
            "legal_rep": self.legal_rep,
        }


def situation_choice(code: str) -> str:
    s = SITUATIONS[code]
    return f"{s.label}（第11号令{s.article}）"


def kinds_for(situation: str) -> set[str]:
    return KINDS_BY_SITUATION.get(situation, DEFAULT_KINDS)


def parse_subjects(raw, situation: str | None) -> tuple[list[Subject], dict[str, str]]:
    """Validate the submitted subjects; errors are keyed `subjects[i].field`.
    ID numbers are checked and masked here: the full number is never kept."""
    errors: dict[str, str] = {}
    if not isinstance(raw, list) or not raw:
        return [], {"subjects": "请至少填写一个列入主体"}
    if len(raw) > MAX_SUBJECTS:
        return [], {"subjects": f"一次最多列入 {MAX_SUBJECTS} 个主体"}
    allowed = kinds_for(situation) if situation in SITUATIONS else set(SUBJECT_KINDS)
    subjects: list[Subject] = []
    for i, item in enumerate(raw):
        key = f"subjects[{i}]"
        if not isinstance(item, dict):
            errors[key] = "主体应为对象"
            continue
        kind = str(item.get("kind") or "").strip()
        name = str(item.get("name") or "").strip()
        role = str(item.get("role") or "").strip() or ("principal" if kind == "person" else kind)
        if kind not in SUBJECT_KINDS:
            errors[f"{key}.kind"] = (
                "主体类型应为 unit（生产经营单位）、institution（机构）或 person（自然人）"
            )
            continue
        if kind not in allowed:
            errors[f"{key}.kind"] = (
                f"该列入情形不列入{SUBJECT_KINDS[kind]}"
                f"（可列入：{'、'.join(SUBJECT_KINDS[k] for k in sorted(allowed))}）"
            )
        if not name or len(name) > 200:
            errors[f"{key}.name"] = "请填写主体名称（200字以内）"
        if role not in SUBJECT_ROLES:
            errors[f"{key}.role"] = f"身份应为：{'、'.join(SUBJECT_ROLES)}"
        party = {}
        for field, label, limit in PARTY_FIELDS:
            value = str(item.get(field) or "").strip()
            if len(value) > limit:
                errors[f"{key}.{field}"] = f"{label}不能超过{limit}字"
            party[field] = value[:limit]
        if kind == "person":
            problem = id_number_error(str(item.get("id_number") or ""))
            if problem:
                errors[f"{key}.id_number"] = problem
                continue
            subjects.append(
                Subject(kind, name, role, id_number_masked=mask_id_number(str(item["id_number"])), **party)
            )
        else:
            code = str(item.get("credit_code") or "").strip().upper()
            problem = credit_code_error(code)
            if problem:
                errors[f"{key}.credit_code"] = problem
                continue
            subjects.append(Subject(kind, name, role, credit_code=code, **party))
    codes = [s.credit_code for s in subjects if s.credit_code]
    if len(codes) != len(set(codes)):
        errors["subjects"] = "同一统一社会信用代码重复填写"
    return subjects, errors


def penalty_error(number: str, doc_prefix: str) -> str | None:
    """A listing rests on a penalty decision of the same bureau ("谁处罚、谁决定")."""
    number = (number or "").strip()
    if not number:
        return "请填写行政处罚决定书文号"
    if not number.startswith(doc_prefix):
        return f"只能依据本局作出的行政处罚决定列入（本局文号以“{doc_prefix}”开头）"
    return None


def period_end(start: dt.date, years: int = MANAGEMENT_YEARS) -> dt.date:
    return add_months(start, 12 * years)


def eligible_from(listed_on: dt.date) -> dt.date:
    return add_months(listed_on, MIN_MONTHS_LISTED)


def end_after_restoration(
    *,
    expires_on: dt.date,
    removed_on: dt.date,
    restored_on: dt.date,
    keeps_served_time: bool,
    years: int = MANAGEMENT_YEARS,
) -> dt.date:
    """The new end of the management period when an early removal is revoked.

    keeps_served_time (default): the time served before the early removal counts;
    the days that were left then are served from the restoration on.
    Otherwise the full management period runs again from the restoration."""
    if keeps_served_time:
        remaining = max((expires_on - removed_on).days, 0)
        return restored_on + dt.timedelta(days=remaining)
    return period_end(restored_on, years)
