"""The published register as other departments, banks and the national platforms
read it (联合惩戒): one shape of a published entry for the JSON feed and the API
(/api/register, /api/register.json, /api/register/<code>), the downloads and the page."""

from __future__ import annotations

from app.clock import iso
from app.domain.listing_rules import SUBJECT_KINDS
from app.domain.measures import measure_label
from app.domain.situations import SITUATIONS, situation_label
from app.models import RegisterEntry
from app.security.spreadsheet import csv_text

CSV_COLUMNS = [
    ("subject_name", "主体名称"),
    ("subject_kind", "主体类型"),
    ("credit_code", "统一社会信用代码"),
    ("id_number_masked", "身份证号码（脱敏）"),
    ("situation", "列入情形代码"),
    ("situation_label", "列入情形"),
    ("legal_ground", "依据"),
    ("decision_number", "列入决定书文号"),
    ("listed_on", "列入日期"),
    ("expires_on", "管理期至"),
    ("measures_text", "管理措施"),
    ("bureau", "作出决定机关"),
]


def feed_entry(entry: RegisterEntry) -> dict:
    situation = SITUATIONS.get(entry.situation)
    return {
        "id": entry.id,
        "subject_name": entry.subject_name,
        "subject_kind": entry.subject_kind,
        "credit_code": entry.credit_code,
        "id_number_masked": entry.id_number_masked,
        "situation": entry.situation,
        "situation_label": situation_label(entry.situation),
        "legal_ground": f"应急管理部令第11号{situation.article}" if situation else "",
        "decision_number": entry.decision_number,
        "listed_on": iso(entry.listed_on),
        "expires_on": iso(entry.expires_on),
        "status": str(getattr(entry.status, "value", entry.status)),
        "status_label": entry.status_label,
        "measures": [{"code": m, "label": measure_label(m)} for m in entry.measures or []],
        "bureau": entry.bureau.name,
        "published_at": iso(entry.published_at),
    }


def to_csv(entries: list[RegisterEntry]) -> str:
    rows = []
    for entry in entries:
        row = feed_entry(entry)
        row["measures_text"] = "；".join(m["label"] for m in row["measures"])
        row["subject_kind"] = SUBJECT_KINDS.get(entry.subject_kind, entry.subject_kind)
        rows.append([row.get(key) or "" for key, _ in CSV_COLUMNS])
    return csv_text([label for _, label in CSV_COLUMNS], rows)
