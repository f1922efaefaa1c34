"""The demo's work in progress: the supervisor's board has overdue and due-soon rows on
first run (applications replayed on the working days they were registered)."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Case, TaskItem
from app.setup.demo_work import seed_work
from app.web.filters import task_due_state


def test_demo_has_overdue_and_due_soon_work(session, api):
    seed_work(session)
    tasks = session.scalars(
        select(TaskItem).join(Case).where(Case.process_key == "repair", TaskItem.completed_at.is_(None))
    ).unique()
    states = {t.case.subject_name: (t.step, task_due_state(t)) for t in tasks}
    assert states["明远矿业有限公司"] == ("verification", "overdue")
    assert states["县南冶金铸造厂"] == ("acceptance_review", "overdue")
    assert states["新城烟花爆竹经营部"] == ("acceptance_review", "due_soon")
    board = api("supervisor")("GET", "/api/timers?state=overdue").get_json()
    assert board and "明远矿业有限公司" in str(board)
