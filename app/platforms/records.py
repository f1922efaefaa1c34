"""The delivery record of a register entry to the national platforms: what the
publication step once asked an officer to tick (已在全国信用信息平台公示) is now the
record itself — which item went to which platform, in which file, when.  Each written
item is also noted in the history of the entry's latest case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import audit
from app.models import Case, OutboundEvent, PlatformItem
from app.partners.subscriptions import EVENT_KINDS
from app.platforms import PLATFORMS

STATUS_LABELS = {"pending": "待报送", "exported": "已报送", "failed": "报送失败"}
MAX_ROWS = 100


def entry_deliveries(session: Session, entry_id: int) -> list[dict]:
    """Every platform item of the entry's register events, newest first."""
    rows = session.execute(
        select(PlatformItem, OutboundEvent)
        .join(OutboundEvent, OutboundEvent.event_id == PlatformItem.item_key)
        .where(OutboundEvent.register_entry_id == entry_id)
        .order_by(PlatformItem.id.desc())
        .limit(MAX_ROWS)
    ).all()
    return [
        {
            "platform": item.platform,
            "platform_name": PLATFORMS.get(item.platform, item.platform),
            "kind": item.kind,
            "kind_name": EVENT_KINDS.get(item.kind, item.kind),
            "status": item.status,
            "status_name": STATUS_LABELS.get(item.status, item.status),
            "file_name": item.file_name,
            "exported_at": item.exported_at,
            "attempts": item.attempts,
            "last_error": item.last_error,
        }
        for item, _event in rows
    ]


def note_exported(session: Session, items: list[PlatformItem], at: dt.datetime) -> None:
    """One history line per written item, on the latest case of its entry."""
    keys = [i.item_key for i in items if i.status == "exported"]
    if not keys:
        return
    entry_of = dict(
        session.execute(
            select(OutboundEvent.event_id, OutboundEvent.register_entry_id).where(
                OutboundEvent.event_id.in_(keys), OutboundEvent.register_entry_id.is_not(None)
            )
        ).all()
    )
    cases: dict[int, Case | None] = {}
    for item in items:
        entry_id = entry_of.get(item.item_key)
        if entry_id is None:
            continue
        if entry_id not in cases:
            cases[entry_id] = session.scalar(
                select(Case).where(Case.register_entry_id == entry_id).order_by(Case.id.desc()).limit(1)
            )
        case = cases[entry_id]
        if case is None:
            continue
        platform = PLATFORMS.get(item.platform, item.platform)
        audit(
            session,
            case,
            None,
            "platform_delivery",
            at=at,
            summary=f"已报送{platform}：{EVENT_KINDS.get(item.kind, item.kind)}",
            data={
                "报送平台": platform,
                "报送文件": item.file_name,
                "事项": EVENT_KINDS.get(item.kind, item.kind),
            },
        )
