"""Each audit event carries the hash of its case's previous one; `flask audit verify`
reports the first broken link."""

from __future__ import annotations

from sqlalchemy import select, update

from app.engine.audit_chain import verify
from app.models import AuditEvent
from tests.helpers import entry_named, repair_data


def started_case(api, session) -> int:
    entry = entry_named(session, "示范化工有限公司")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 201
    case_id = response.get_json()["id"]
    for text in ("请按期办理", "再次提醒"):
        assert api("supervisor")("POST", f"/api/cases/{case_id}/notes", {"body": text}).status_code == 201
    return case_id


def events(session, case_id):
    return session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
    ).all()


def test_events_are_chained_per_case(api, session):
    case_id = started_case(api, session)
    chain = events(session, case_id)
    assert len(chain) >= 3
    assert chain[0].prev_hash is None
    for before, after in zip(chain, chain[1:]):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    checked, broken = verify(session)
    assert broken is None and checked >= len(chain)


def test_verify_reports_an_edited_row(api, session, runner):
    case_id = started_case(api, session)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    target = events(session, case_id)[1]
    session.execute(update(AuditEvent).where(AuditEvent.id == target.id).values(summary="改过的记录"))
    session.commit()
    session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"case {case_id}: event {target.id}" in result.output and "content changed" in result.output


def test_verify_reports_a_deleted_row(api, session, runner):
    case_id = started_case(api, session)
    chain = events(session, case_id)
    session.execute(AuditEvent.__table__.delete().where(AuditEvent.id == chain[1].id))
    session.commit()
    session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert (
        result.exit_code == 1 and f"event {chain[2].id}" in result.output and "link broken" in result.output
    )


def test_a_step_that_writes_several_events_keeps_one_chain(api, session, open_task):
    """Accepting an application writes the 受理通知书 record and the completion in one
    step: the second links to the first without reading the chain again."""
    case_id = started_case(api, session)
    task = open_task(case_id, "acceptance_review")
    response = api("clerk")("POST", f"/api/tasks/{task.id}/complete", {"data": {"outcome": "accept"}})
    assert response.status_code == 200
    chain = events(session, case_id)
    actions = [e.action for e in chain]
    assert actions.index("documents") < actions.index("complete")
    for before, after in zip(chain, chain[1:]):
        assert after.prev_hash == before.hash
    assert verify(session)[1] is None


def test_a_rolled_back_step_leaves_no_remembered_head(api, session, app):
    """What a transaction remembers of a locked case's chain goes with a rollback: the
    next event links to the newest event that was kept."""
    from app.engine import store

    case_id = started_case(api, session)
    kept = events(session, case_id)[-1]
    case = store.lock_case(session, case_id)
    store.audit(session, case, None, "note", summary="将被撤销")
    session.rollback()
    event = store.audit(session, store.lock_case(session, case_id), None, "note", summary="保留")
    session.commit()
    assert event.prev_hash == kept.hash
    assert verify(session)[1] is None
