"""A storage for Flask-Limiter (the limits library) on the application's own database:
`RATELIMIT_STORAGE_URI = "database://"`.  Every gunicorn worker then counts the same
failed sign-ins, with no other server to run.

Each call is its own short transaction on its own connection, never the request's:
a count must survive the request's rollback, and a failed sign-in writes nothing
else (the views roll their session back first, so on SQLite the request holds no
write lock while the count is written).  In the tests the app is bound to one
connection whose transaction is rolled back: the counters use it too.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import ThrottleCounter

TABLE = ThrottleCounter.__table__


def _connection(read_only: bool = False):
    return db.side_connection(read_only=read_only)


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        at = time.time()
        with _connection() as c:
            # The window ends `expiry` seconds after its first hit; an ended one starts over.
            c.execute(delete(TABLE).where(TABLE.c.expires_at <= at))
            dialect = postgresql if c.dialect.name == "postgresql" else sqlite
            upsert = dialect.insert(TABLE).values(key=key, hits=amount, expires_at=at + expiry)
            upsert = upsert.on_conflict_do_update(
                index_elements=[TABLE.c.key], set_={"hits": TABLE.c.hits + amount}
            )
            return c.execute(upsert.returning(TABLE.c.hits)).scalar_one()

    def _row(self, key: str):
        with _connection(read_only=True) as c:
            return c.execute(
                select(TABLE.c.hits, TABLE.c.expires_at).where(
                    TABLE.c.key == key, TABLE.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.hits if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with _connection(read_only=True) as c:
                c.execute(select(func.count()).select_from(TABLE))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with _connection() as c:
            return c.execute(delete(TABLE)).rowcount

    def clear(self, key: str) -> None:
        with _connection() as c:
            c.execute(delete(TABLE).where(TABLE.c.key == key))
