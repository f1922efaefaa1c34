"""Importing listings decided before the system existed, from a CSV file.

Every row is checked (bureau, subject and its identifier, situation, dates,
measures, duplicates); a file with errors imports nothing unless the caller asks
for the valid rows only.  Each imported listing decision gets a listing case that
starts directly at the management period, so its timers (inspections, eligibility
for early removal, expiry) run like those of a listing decided here.

Memory and locks stay bounded: at most MAX_ROWS rows of at most MAX_FIELD_CHARS per
field are checked, then imported in chunks of about CHUNK_ROWS rows (whole listing
decisions), each its own transaction, so other writers wait for one chunk, not for
the whole file.  The caller records which lines each chunk imported (the kept
upload), so a confirmation interrupted half-way resumes instead of duplicating."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.clock import now
from app.domain.documents import KINDS, document_number, parse_number
from app.domain.listing_rules import eligible_from, parse_subjects, period_end
from app.domain.measures import unknown_measures
from app.domain.situations import SITUATIONS
from app.errors import Invalid
from app.models import Bureau, Case, EntryStatus, RegisterEntry, User
from app.register.documents import take_number
from app.register.proposals import start_management_case

COLUMNS = [
    "bureau_code",
    "subject_kind",
    "subject_name",
    "credit_code",
    "id_number",
    "subject_role",
    "situation",
    "penalty_number",
    "penalty_date",
    "penalty_amount",
    "penalty_carried_out",
    "decision_number",
    "listed_on",
    "expires_on",
    "measures",
    "sector",
    "facts",
]
# What an officer calls each column: errors name the column in Chinese (and the
# column name of the file, which the template's first row uses).
COLUMN_LABELS = {
    "bureau_code": "机关代码",
    "subject_kind": "主体类型",
    "subject_name": "主体名称",
    "credit_code": "统一社会信用代码",
    "id_number": "身份证号码",
    "subject_role": "主体身份",
    "situation": "列入情形代码",
    "penalty_number": "行政处罚决定书文号",
    "penalty_date": "处罚决定日期",
    "penalty_amount": "罚款金额",
    "penalty_carried_out": "行政处罚已履行",
    "decision_number": "列入决定书文号",
    "listed_on": "列入日期",
    "expires_on": "管理期满日",
    "measures": "管理措施",
    "sector": "行业领域",
    "facts": "违法失信事实",
}


def column(name: str) -> str:
    return f"“{COLUMN_LABELS.get(name, name)}”（{name}）"


REQUIRED = {
    "bureau_code",
    "subject_kind",
    "subject_name",
    "situation",
    "penalty_number",
    "penalty_date",
    "decision_number",
    "listed_on",
    "measures",
}
MAX_ROWS = 5000
MAX_FIELD_CHARS = 4000
CHUNK_ROWS = 200
TRUE = {"1", "true", "yes", "y", "是", "已履行"}
FALSE = {"", "0", "false", "no", "n", "否", "未履行"}


@dataclass
class ImportRow:
    line: int
    raw: dict
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), or GB18030 as saved by spreadsheet programs here."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("文件编码无法识别，请另存为 UTF-8 编码的 CSV")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(re.sub(r"[/.]", "-", text.strip()))


def _check_row(row: ImportRow, bureaus: dict[str, Bureau], allowed: set[int], today: dt.date) -> None:
    r, v, e = row.raw, row.values, row.errors
    for name in sorted(REQUIRED):
        if not r.get(name):
            e.append(f"缺少{column(name)}")
    bureau = bureaus.get(r.get("bureau_code", ""))
    if r.get("bureau_code") and (bureau is None or bureau.id not in allowed):
        e.append(f"机关代码“{r['bureau_code']}”不存在或不在您的管辖范围内")
    v["bureau"] = bureau
    if bureau is not None and r.get("decision_number"):
        # One numbering pattern for imported and generated decisions: the series goes on after it.
        v["decision_sequence"] = parse_number(bureau.doc_prefix, KINDS["decision"], r["decision_number"])
        if v["decision_sequence"] is None:
            example = document_number(bureau.doc_prefix, KINDS["decision"], today.year, 12)
            e.append(f"列入决定书文号“{r['decision_number']}”应为本局列入决定书的编号形式，如 {example}")
    situation = r.get("situation", "")
    if situation and situation not in SITUATIONS:
        e.append(f"列入情形代码“{situation}”不存在")
    subject = {
        "kind": r.get("subject_kind", ""),
        "name": r.get("subject_name", ""),
        "role": r.get("subject_role", ""),
        "credit_code": r.get("credit_code", ""),
        "id_number": r.get("id_number", ""),
    }
    subjects, problems = parse_subjects([subject], situation if situation in SITUATIONS else None)
    e.extend(problems.values())
    v["subject"] = subjects[0] if subjects else None
    for name in ("penalty_date", "listed_on", "expires_on"):
        if r.get(name):
            try:
                v[name] = _date(r[name])
            except ValueError:
                e.append(f"{column(name)}“{r[name]}”不是日期（应为 2024-03-01）")
    if v.get("penalty_date") and v["penalty_date"] > today:
        e.append("处罚决定日期晚于今天")
    if v.get("listed_on"):
        if v["listed_on"] > today:
            e.append("列入日期晚于今天")
        if v.get("penalty_date") and v["listed_on"] < v["penalty_date"]:
            e.append("列入日期早于处罚决定日期")
        v.setdefault("expires_on", period_end(v["listed_on"]))
        if v["expires_on"] <= v["listed_on"]:
            e.append("管理期满日应晚于列入日期")
        elif v["expires_on"] <= today:
            e.append(f"管理期已于 {v['expires_on'].isoformat()} 届满，不再导入")
    measures = [m.strip() for m in re.split(r"[;；、,，|]", r.get("measures", "")) if m.strip()]
    if unknown_measures(measures):
        e.append(f"管理措施代码不存在：{'、'.join(unknown_measures(measures))}")
    v["measures"] = measures
    carried = r.get("penalty_carried_out", "").strip().lower()
    if carried not in TRUE | FALSE:
        e.append(f"{column('penalty_carried_out')}应为 是/否")
    v["penalty_carried_out"] = carried in TRUE
    amount = r.get("penalty_amount", "").replace(",", "").strip()
    whole = amount.isascii() and amount.isdigit()
    if amount and not whole:
        e.append(f"{column('penalty_amount')}应为整数（元）")
    elif whole and (len(amount) > 10 or int(amount) > 2**31 - 1):
        e.append("罚款金额超出范围")
        whole = False
    v["penalty_amount"] = int(amount) if whole else None


def check_csv(
    session: Session, admin: User, text: str, skip_lines: frozenset[int] = frozenset()
) -> ImportReport:
    """Check every row; `skip_lines` were imported already (an interrupted import)."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = [h.strip() for h in reader.fieldnames or []]
    except csv.Error:
        report.file_errors.append("文件不是有效的 CSV 文件")
        return report
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        report.file_errors.append(
            f"缺少列：{'、'.join(column(m) for m in sorted(missing))}（第一行应为列名）"
        )
        return report
    bureaus = {b.code: b for b in session.scalars(select(Bureau))}
    # A listing belongs to the bureau that decided it; upper bureaus watch, not act.
    allowed = {admin.bureau_id}
    today = clock.today()
    seen: dict[tuple, int] = {}
    index = 1
    try:
        for index, raw in enumerate(reader, start=2):
            if index - 1 > MAX_ROWS:
                report.file_errors.append(f"一次最多导入 {MAX_ROWS} 行")
                break
            if index in skip_lines:
                continue
            _check_line(session, report, index, raw, bureaus, allowed, today, seen)
    except csv.Error:  # e.g. a field beyond the csv module's own limit
        report.file_errors.append(f"第 {index + 1} 行无法读取（字段过长或引号不配对）")
    if not report.rows and not report.file_errors:
        report.file_errors.append("文件中没有数据行" if not skip_lines else "文件中的记录均已导入")
    return report


def _check_line(session, report, index, raw, bureaus, allowed, today, seen) -> None:
    clean = {(k or "").strip(): (val or "").strip() for k, val in raw.items() if k and isinstance(val, str)}
    if not any(clean.values()):
        return
    row = ImportRow(line=index, raw=clean)
    too_long = [k for k, val in clean.items() if len(val) > MAX_FIELD_CHARS]
    if too_long:
        row.raw = {k: val[:200] for k, val in clean.items()}
        row.errors.append(f"字段过长（最多 {MAX_FIELD_CHARS} 字）：{'、'.join(too_long)}")
        row.errors = [f"第 {row.line} 行：{error}" for error in row.errors]
        report.rows.append(row)
        return
    _check_row(row, bureaus, allowed, today)
    subject = row.values.get("subject")
    if subject is not None and row.values.get("bureau") is not None:
        key = (row.values["bureau"].id, subject.identifier, clean.get("decision_number"))
        if key in seen:
            row.errors.append(f"与第 {seen[key]} 行重复")
        seen.setdefault(key, index)
        if subject.credit_code and session.scalar(
            select(RegisterEntry.id).where(
                RegisterEntry.bureau_id == key[0],
                RegisterEntry.credit_code == subject.credit_code,
                RegisterEntry.decision_number == key[2],
            )
        ):
            row.errors.append("名单中已有该主体的这一列入决定")
    row.errors = [f"第 {row.line} 行：{error}" for error in row.errors]
    report.rows.append(row)


def refuse_unless_importable(report: ImportReport, only_valid: bool) -> None:
    if report.file_errors or (report.invalid and not only_valid):
        raise Invalid("文件有错误，未导入任何记录")


def _decision_key(row: ImportRow) -> tuple:
    return (row.values["bureau"].id, row.raw["penalty_number"], row.values["listed_on"])


def chunks(report: ImportReport, rows_per_chunk: int | None = None) -> list[list[ImportRow]]:
    """The valid rows in chunks of whole listing decisions (the rows of one decision share
    one management case), each about `rows_per_chunk` rows."""
    size = rows_per_chunk or CHUNK_ROWS
    decisions: dict[tuple, list[ImportRow]] = {}
    for row in report.valid:
        decisions.setdefault(_decision_key(row), []).append(row)
    result: list[list[ImportRow]] = [[]]
    for rows in decisions.values():
        if result[-1] and len(result[-1]) + len(rows) > size:
            result.append([])
        result[-1].extend(rows)
    return [c for c in result if c]


def import_rows(session: Session, admin: User, rows: list[ImportRow]) -> list[Case]:
    """Create the entries of checked, valid rows (one chunk) and their management cases;
    flushes, never commits."""
    groups: dict[tuple, list[RegisterEntry]] = {}
    for row in rows:
        v, r = row.values, row.raw
        subject = v["subject"]
        take_number(session, v["bureau"], "decision", *v["decision_sequence"])
        entry = RegisterEntry(
            bureau_id=v["bureau"].id,
            subject_kind=subject.kind,
            subject_role=subject.role,
            subject_name=subject.name,
            credit_code=subject.credit_code,
            id_number_masked=subject.id_number_masked,
            situation=r["situation"],
            sector=r.get("sector", "")[:50],
            penalty_number=r["penalty_number"],
            penalty_date=v["penalty_date"],
            penalty_amount=v["penalty_amount"],
            penalty_carried_out=v["penalty_carried_out"],
            decision_number=r["decision_number"],
            listed_on=v["listed_on"],
            expires_on=v["expires_on"],
            eligible_on=eligible_from(v["listed_on"]),
            measures=v["measures"],
            facts=r.get("facts") or "（历史名单导入）",
            status=EntryStatus.LISTED,
            published=True,
            published_at=now(),
            origin="import",
        )
        session.add(entry)
        groups.setdefault((entry.bureau_id, entry.penalty_number, entry.listed_on), []).append(entry)
    session.flush()
    return [
        start_management_case(session, entries, origin="import", actor=admin) for entries in groups.values()
    ]


TEMPLATE = (
    ",".join(COLUMNS)
    + "\n"
    + ",".join(
        [
            "CITY",
            "unit",
            "某某化工有限公司",
            "91330100MA2C00009K",
            "",
            "unit",
            "ACC_CONCEAL",
            "示市应急罚〔2024〕12号",
            "2024-03-01",
            "300000",
            "是",
            "示市应急失信决〔2024〕3号",
            "2024-03-20",
            "",
            "key_inspection;joint_punishment",
            "化工",
            "瞒报生产安全事故",
        ]
    )
    + "\n"
)
