"""Repair applications pushed from 信用中国 (NDRC Order 36: the single window).

The file is a JSON list of {"external_id", "credit_code", "subject_name", "applicant",
"materials": [...], "submitted_at", "commitment_given"?, "penalty_carried_out"?}.
Each item starts a repair case in the bureau that listed the subject, with channel
信用中国; the acceptance deadline drawn in repair.bpmn runs from the import, the day the
bureau received it.  An external id already imported is skipped, so importing the same
file twice starts one case; an item that cannot start is recorded as refused, with why."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import engine
from app.cases.repair import start_repair_on_entry
from app.clock import now
from app.domain.identifiers import credit_code_error
from app.engine.errors import EngineError, FormInvalid
from app.models import Case, EntryStatus, PlatformApplication, RegisterEntry
from app.register.entries import running_case_number

PLATFORM = "creditchina"
MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 1000
MAX_MATERIALS = 50


class ImportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse(data: bytes) -> list[dict]:
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(f"文件不是 UTF-8 编码的 JSON：{exc}") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportRefused("文件内容应为申请对象的列表")
    if len(items) > MAX_ITEMS:
        raise ImportRefused(f"一个文件最多 {MAX_ITEMS} 条申请")
    return items


def _problem(item: dict) -> str | None:
    external = item.get("external_id")
    if not isinstance(external, str) or not external.strip() or len(external) > 64:
        return "external_id 缺失或超过64个字符"
    code = str(item.get("credit_code") or "").strip().upper()
    if credit_code_error(code):
        return f"统一社会信用代码有误：{credit_code_error(code)}"
    materials = item.get("materials")
    if not isinstance(materials, list) or not materials or len(materials) > MAX_MATERIALS:
        return f"materials 应为 1 至 {MAX_MATERIALS} 项材料的列表"
    if not isinstance(item.get("applicant"), str) or not item["applicant"].strip():
        return "applicant（申请人）缺失"
    return None


def _submitted_at(item: dict) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(item.get("submitted_at")))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _listed_entry(session: Session, code: str) -> RegisterEntry | None:
    return session.scalar(
        select(RegisterEntry)
        .where(RegisterEntry.credit_code == code, RegisterEntry.status == EntryStatus.LISTED)
        .order_by(RegisterEntry.listed_on.desc())
        .limit(1)
    )


def _start(session: Session, item: dict, code: str) -> Case:
    entry = _listed_entry(session, code)
    if entry is None:
        raise ImportRefused("名单中没有处于“已列入”状态的该主体，不能受理提前移出申请")
    running = running_case_number(session, entry.id, "repair")
    if running:
        raise ImportRefused(f"该主体已有正在办理的提前移出申请（{running}）")
    version = engine.published_version(session, "repair")
    if version is None:
        raise ImportRefused("信用修复流程尚未部署")
    submitted = {
        "listing_id": entry.id,
        "applicant": item["applicant"].strip()[:200],
        "materials": [str(m)[:200] for m in item["materials"]],
        "commitment_given": item.get("commitment_given") is True,
        "penalty_carried_out": item.get("penalty_carried_out") is True,
    }
    return start_repair_on_entry(
        session,
        version,
        entry,
        submitted,
        None,
        channel=PLATFORM,
        facts={"external_id": item["external_id"].strip()},
        as_system=True,
    )


def import_applications(session: Session, items: list[dict]) -> dict[str, list]:
    """Import each item in its own savepoint; returns started, skipped and refused ids."""
    report: dict[str, list] = {"started": [], "skipped": [], "refused": []}
    for index, item in enumerate(items, start=1):
        problem = _problem(item)
        if problem:
            report["refused"].append(
                {"item": index, "external_id": item.get("external_id"), "reason": problem}
            )
            continue
        external = item["external_id"].strip()
        known = session.scalar(
            select(PlatformApplication).where(
                PlatformApplication.platform == PLATFORM, PlatformApplication.external_id == external
            )
        )
        if known is not None:
            report["skipped"].append(external)
            continue
        code = str(item["credit_code"]).strip().upper()
        record = PlatformApplication(
            platform=PLATFORM,
            external_id=external,
            credit_code=code,
            submitted_at=_submitted_at(item),
            imported_at=now(),
        )
        savepoint = session.begin_nested()
        try:
            case = _start(session, item, code)
            savepoint.commit()
            record.case_id, record.status = case.id, "started"
            report["started"].append({"external_id": external, "case_number": case.number})
        except (ImportRefused, FormInvalid, EngineError) as exc:
            savepoint.rollback()
            reason = exc.message if not isinstance(exc, FormInvalid) else "；".join(exc.errors.values())
            record.status, record.reason = "refused", reason
            report["refused"].append({"item": index, "external_id": external, "reason": reason})
        session.add(record)
        session.flush()
    return report
