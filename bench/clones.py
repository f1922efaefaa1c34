"""Many cases fast: one case started through the engine, then copied row by row (its
state, task rows and timer rows) under new ids.  Each copy is a real case the engine
can restore and step; only the starting is skipped."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from app.models import Case, TaskItem, Timer

BATCH = 2000


def clone_case(session, case_id: int, copies: int) -> list[int]:
    """Insert `copies` copies of a case; returns their ids."""
    case_row = dict(session.execute(select(Case.__table__).where(Case.id == case_id)).mappings().one())
    items = [
        dict(r)
        for r in session.execute(select(TaskItem.__table__).where(TaskItem.case_id == case_id)).mappings()
    ]
    timers = [
        dict(r) for r in session.execute(select(Timer.__table__).where(Timer.case_id == case_id)).mappings()
    ]
    first = (session.scalar(select(func.max(Case.id))) or 0) + 1
    ids = list(range(first, first + copies))
    for start in range(0, copies, BATCH):
        chunk = ids[start : start + BATCH]
        session.execute(
            insert(Case.__table__),
            [{**case_row, "id": i, "number": f"{case_row['number']}-{i}"} for i in chunk],
        )
        for rows, table in ((items, TaskItem.__table__), (timers, Timer.__table__)):
            if rows:
                session.execute(
                    insert(table),
                    [
                        {k: v for k, v in {**r, "case_id": i}.items() if k != "id"}
                        for i in chunk
                        for r in rows
                    ],
                )
    # PostgreSQL: the sequence must move past the ids given by hand
    if session.bind.dialect.name == "postgresql":
        session.execute(
            select(func.setval(func.pg_get_serial_sequence("case_instance", "id"), first + copies))
        )
    session.flush()
    return ids
