"""Fifty officers complete one task at the same moment, through the HTTP API on
PostgreSQL: exactly one 200, forty-nine 409 naming the winner, one completion stored."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from app.cases.repair import start_repair
from app.extensions import db
from app.models import AuditEvent, Case, TaskItem, User, UserRole
from app.org.tokens import issue_token
from tests.helpers import entry_named, repair_data

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="row locks under real concurrency: PostgreSQL only (SQLite has one writer)",
)
OFFICERS = 50


def test_fifty_concurrent_completions_one_winner(fresh_app):
    app, _ = fresh_app("postgresql")
    with app.app_context():
        session = db.session
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        case = start_repair(session, clerk, repair_data(entry_named(session, "明远矿业有限公司").id))
        officers = [
            User(
                username=f"clerk_{k}",
                display_name=f"受理员{k:02d}",
                bureau_id=clerk.bureau_id,
                password_hash="x",
                role_rows=[UserRole(role="clerk")],
            )
            for k in range(OFFICERS)
        ]
        session.add_all(officers)
        session.flush()
        tokens = {o.display_name: issue_token(session, o, 1) for o in officers}
        item_id = session.scalar(
            select(TaskItem.id).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
        )
        case_id = case.id
        session.commit()
        db.session.remove()

    barrier = threading.Barrier(OFFICERS)
    answers: dict[str, tuple[int, dict]] = {}

    def complete(name: str, token: str) -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(
            f"/api/tasks/{item_id}/complete",
            json={"data": {"outcome": "accept"}},
            headers={"Authorization": f"Bearer {token}"},
        )
        answers[name] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=complete, args=item) for item in tokens.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    codes = sorted(code for code, _ in answers.values())
    assert codes == [200] + [409] * (OFFICERS - 1), codes
    [winner] = [name for name, (code, _) in answers.items() if code == 200]
    for code, body in answers.values():
        if code == 409:
            assert f"已由 {winner} 于" in body["message"], body
    with app.app_context():
        session = db.session
        assert session.get(Case, case_id).version == 2  # started, then one completion
        item = session.get(TaskItem, item_id)
        assert item.outcome == "completed" and item.completed_by.display_name == winner
        completions = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.case_id == case_id, AuditEvent.action == "complete")
        )
        assert completions == 1
        db.session.remove()
