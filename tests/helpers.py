"""Small helpers shared by tests (no fixtures here)."""

from __future__ import annotations

from sqlalchemy import select

from app.models import EntryStatus, RegisterEntry


def entry_named(session, name: str) -> RegisterEntry:
    return session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == name))


def repair_data(entry_id: int, **overrides) -> dict:
    data = {
        "listing_id": entry_id,
        "applicant": "张三（委托代理人）",
        "materials": ["提前移出申请书", "信用承诺书", "整改报告"],
        "commitment_given": True,
        "penalty_carried_out": True,
    }
    data.update(overrides)
    return data


def listed_city_entries(session) -> list[RegisterEntry]:
    """The city bureau's listed entries of units (with a credit code), oldest first."""
    entries = session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.status == EntryStatus.LISTED, RegisterEntry.credit_code.is_not(None))
        .order_by(RegisterEntry.id)
    ).all()
    return [e for e in entries if e.bureau.code == "CITY"]
