"""Export files for the national platforms: one JSON file per platform and run, listing
the items not yet delivered.  Each item keeps its delivery record (file, time, tries).

File layout (documented in README "National platforms"):
    {"platform": "gsxt", "generated_at": ISO time, "items": [
        {"item_id": "<event id>", "kind": "published|removed|removed_early|restored|withdrawn|suspended",
         "occurred_at": ISO time, "entry": {... the register entry as in /api/register.json ...}},
        {"item_id": "repair-<case id>", "kind": "repair_result", "external_id": "...",
         "case_number": "...", "result": "granted|refused|lapsed|rejected|...", "ended_at": ISO time}]}
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Case, OutboundEvent, PlatformApplication, PlatformItem
from app.platforms import REGISTER_PLATFORMS
from app.platforms.records import note_exported

log = logging.getLogger(__name__)

BATCH = 1000  # items per file
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)


def queue_event(session: Session, event: OutboundEvent) -> None:
    """Called by the outbox for each register event, in the same transaction."""
    for platform in REGISTER_PLATFORMS:
        session.add(
            PlatformItem(
                platform=platform,
                item_key=event.event_id,
                kind=event.kind,
                bureau_id=event.bureau_id,
                payload={
                    "item_id": event.event_id,
                    "kind": event.kind,
                    "occurred_at": event.payload.get("occurred_at"),
                    "entry": event.payload.get("entry"),
                },
                created_at=event.created_at,
                next_attempt_at=event.created_at,
            )
        )


def queue_repair_results(session: Session, at: dt.datetime) -> int:
    """Results of repair cases pushed from 信用中国 go back to it once the case ends."""
    rows = session.execute(
        select(PlatformApplication, Case)
        .join(Case, Case.id == PlatformApplication.case_id)
        .where(PlatformApplication.result_exported.is_(False), Case.ended_at.is_not(None))
        .limit(BATCH)
    ).all()
    for application, case in rows:
        session.add(
            PlatformItem(
                platform=application.platform,
                item_key=f"repair-{case.id}",
                kind="repair_result",
                bureau_id=case.bureau_id,
                payload={
                    "item_id": f"repair-{case.id}",
                    "kind": "repair_result",
                    "external_id": application.external_id,
                    "credit_code": application.credit_code,
                    "case_number": case.number,
                    "result": str(case.status),
                    "ended_at": case.ended_at.isoformat(),
                },
                created_at=at,
                next_attempt_at=at,
            )
        )
        application.result_exported = True
    session.flush()
    return len(rows)


def export_pending(session: Session, folder: Path, at: dt.datetime | None = None) -> dict[str, int]:
    """Write each platform's due items to a new file; returns items written per platform.
    A file that cannot be written leaves its items pending with a later retry."""
    at = at or now()
    queue_repair_results(session, at)
    written: dict[str, int] = {}
    platforms = session.scalars(
        select(PlatformItem.platform)
        .where(PlatformItem.status == "pending", PlatformItem.next_attempt_at <= at)
        .distinct()
    ).all()
    for platform in sorted(platforms):
        items = session.scalars(
            select(PlatformItem)
            .where(
                PlatformItem.platform == platform,
                PlatformItem.status == "pending",
                PlatformItem.next_attempt_at <= at,
            )
            .order_by(PlatformItem.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        if not items:
            continue
        name = f"{platform}-{at:%Y%m%dT%H%M%S}-{items[0].id}.json"
        body = {"platform": platform, "generated_at": at.isoformat(), "items": [i.payload for i in items]}
        try:
            target = folder / platform
            target.mkdir(parents=True, exist_ok=True)
            temporary = target / (name + ".part")
            temporary.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
            temporary.replace(target / name)  # the platform's reader never sees half a file
        except OSError as exc:
            for item in items:
                item.attempts += 1
                item.last_error = f"写入导出文件失败：{exc}"[:2000]
                item.status = "failed" if item.attempts >= MAX_ATTEMPTS else "pending"
                item.next_attempt_at = at + FIRST_RETRY * 2 ** (item.attempts - 1)
            log.warning("export for %s failed: %s", platform, exc)
            continue
        for item in items:
            item.attempts += 1
            item.status, item.file_name, item.exported_at, item.last_error = "exported", name, at, ""
        note_exported(session, items, at)  # the case history shows the delivery
        written[platform] = len(items)
    session.flush()
    return written
