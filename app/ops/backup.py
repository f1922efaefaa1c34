"""`flask backup PATH`: a consistent copy of the SQLite database while the app runs
(SQLite's online backup API).  PostgreSQL is backed up with pg_dump (README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupRefused(Exception):
    pass


def backup_sqlite(database_url: str, target: Path) -> int:
    """Copy the database to `target` (a new file); returns the number of pages copied."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(
            "flask backup copies the embedded SQLite database; back PostgreSQL up with pg_dump (see README)"
        )
    if not url.database or url.database == ":memory:":
        raise BackupRefused("the database is in memory: nothing to back up")
    target = Path(target)
    if target.exists():
        raise BackupRefused(f"{target} exists already: choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    pages = 0

    def progress(_status, remaining, total):
        nonlocal pages
        pages = total

    try:
        with copy:
            source.backup(copy, pages=1024, progress=progress)
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupRefused(f"the copy failed its integrity check: {check}")
    finally:
        copy.close()
        source.close()
    return pages
