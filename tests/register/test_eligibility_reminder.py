"""The 满12个月可申请修复 reminder (issue 12): a gateway in the diagram decides whether
there is one to wait for; a subject already past 12 months gets no timer that cannot
fire."""

from __future__ import annotations

from sqlalchemy import select

from app.calendar import workdays as cal
from app.models import Timer


def _pending(session, case_id):
    return session.scalar(
        select(Timer).where(
            Timer.case_id == case_id, Timer.element_id == "eligibility_timer", Timer.is_pending
        )
    )


def test_a_new_listing_waits_for_its_twelve_months(flow, session):
    cid = flow.until_published()
    timer = _pending(session, cid)
    unit = flow.entries(cid)[0]
    assert timer is not None and timer.kind == "wait"
    assert cal.local_date(timer.due_at) == unit.eligible_on
    period_end = flow.pending_timer(cid, "period_end_timer")
    assert timer.due_at < period_end.due_at


# Subjects already past 12 months (an import of a listing decided 14 months ago):
# tests/register/test_listing_import.py asserts no eligibility timer at all.


def test_the_reminder_waits_behind_a_gateway_inside_the_period(session):
    from app.engine import published_version

    version = published_version(session, "listing")
    assert 'id="gw_eligibility"' in version.xml
    assert 'attachedToRef="management" cancelActivity="false"' not in version.xml
    assert version.meta["timers"]["eligibility_timer"]["step"] is None  # not a boundary timer
