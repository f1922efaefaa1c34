"""`flask consistency check`: stored workflows against their task and timer rows."""

from __future__ import annotations

from sqlalchemy import select

from app.cases.repair import start_repair
from app.models import Case, TaskItem, Timer
from tests.helpers import entry_named, repair_data


def test_a_consistent_database_passes(runner, session, user):
    start_repair(session, user("clerk"), repair_data(entry_named(session, "明远矿业有限公司").id))
    session.commit()
    result = runner.invoke(args=["consistency", "check"])
    assert result.exit_code == 0, result.output
    assert "consistent:" in result.output


def test_missing_rows_and_a_wrong_status_are_reported(runner, session, user):
    case = start_repair(session, user("clerk"), repair_data(entry_named(session, "明远矿业有限公司").id))
    session.commit()
    item = session.scalar(
        select(TaskItem).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
    )
    session.delete(item)
    timer = session.scalar(select(Timer).where(Timer.case_id == case.id, Timer.is_pending))
    session.delete(timer)
    session.get(Case, case.id).status = "completed"
    session.commit()
    result = runner.invoke(args=["consistency", "check"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(f"case {case.id}:")]
    assert len(lines) == 3, result.output
    assert "status completed but the workflow is running" in result.output
    assert "open tasks [] but the workflow has ready tasks" in result.output
    assert "mismatch(es)" in result.output
