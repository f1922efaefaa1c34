"""Tips received and handled, for the supervisors' figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Tip


def tip_figures(session: Session, bureau_ids: set[int], since: dt.datetime, until: dt.datetime) -> dict:
    """Tips received and handled in a period (PROCEDURE.md: figures people ask for)."""
    in_scope = Tip.bureau_id.in_(bureau_ids)
    received = session.scalar(
        select(func.count(Tip.id)).where(in_scope, Tip.created_at >= since, Tip.created_at < until)
    )
    handled = session.execute(
        select(Tip.finding, func.count(Tip.id), func.coalesce(func.sum(Tip.reward_amount), 0))
        .where(in_scope, Tip.replied_at >= since, Tip.replied_at < until)
        .group_by(Tip.finding)
    ).all()
    by_finding = {finding: count for finding, count, _ in handled}
    return {
        "received": received or 0,
        "handled": sum(by_finding.values()),
        "found_true": by_finding.get("true", 0) + by_finding.get("partly", 0),
        "rewards_yuan": int(sum(total for _, _, total in handled)),
    }
