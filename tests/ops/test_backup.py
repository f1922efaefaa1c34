"""`flask backup PATH` copies the SQLite database while it is in use."""

from __future__ import annotations

import sqlite3

from app.ops.backup import BackupRefused, backup_sqlite
from tests.conftest import build_app


def test_backup_copies_a_database_in_use_and_it_restores(fresh_app, tmp_path):
    app, url = fresh_app("sqlite")
    target = tmp_path / "copies" / "app-backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM user_account").fetchone()[0] > 0
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    # restore = serve the copy: the app opens it as it is
    restored = build_app(f"sqlite:///{target}")
    client = restored.test_client()
    assert client.post("/api/token", json={"username": "clerk", "password": "test-pass"}).status_code == 200
    restored.extensions["database_engine"].dispose()
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code == 1 and "exists already" in again.output


def test_postgresql_is_referred_to_pg_dump(tmp_path):
    try:
        backup_sqlite("postgresql+psycopg://u@h/db", tmp_path / "x.db")
    except BackupRefused as exc:
        assert "pg_dump" in str(exc)
    else:
        raise AssertionError("refused expected")
