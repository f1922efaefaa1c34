"""flask commands: database, demo data, calendar, timers, scheduler."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app

from app.extensions import db


def register(app: Flask) -> None:

    @app.cli.command("init-db")
    @click.option("--demo/--no-demo", default=False, help="also create demo bureaus, users and listings")
    def init_db(demo: bool) -> None:
        """Migrate the database to the latest schema, deploy workflows, add demo data when
        asked; write a random SECRET_KEY to instance/secret_key when none is configured."""
        from app.security.secret_key import ensure_key_file
        from app.setup.database import prepare_database

        written = ensure_key_file(current_app)
        if written:
            click.echo(f"wrote a new random SECRET_KEY to {written}")
        created = prepare_database(current_app, demo=demo)
        db.session.commit()
        click.echo("database ready" + ("; demo data created" if created else ""))

    from app.cli_users import users_group

    app.cli.add_command(users_group)

    calendar_group = click.Group("calendar", help="Chinese working-day calendar")

    @calendar_group.command("due")
    @click.argument("start")
    @click.argument("n", type=int)
    def calendar_due(start: str, n: int) -> None:
        """Print the date of the Nth working day after START (ISO date)."""
        from app.calendar import workdays as cal
        from app.calendar.overrides import load_overrides

        deadline = cal.add_working_days(dt.date.fromisoformat(start), n, load_overrides(db.session))
        click.echo(deadline.date.isoformat())
        if deadline.assumed:
            click.echo("WARNING: " + (deadline.warning() or ""), err=False)

    app.cli.add_command(calendar_group)

    timers_group = click.Group("timers", help="engine timers")

    @timers_group.command("fire-due")
    def fire_due() -> None:
        """Fire every timer that is due now, once."""
        from app.clock import now
        from app.ops.status import record_sweep
        from app.scheduler import fire_due_timers, sweep_workers

        at = now()
        fired = fire_due_timers(db.session, at, workers=sweep_workers(current_app))
        record_sweep(db.session, at, fired)
        click.echo(f"fired {fired} timer(s)")

    app.cli.add_command(timers_group)

    platforms_group = click.Group("platforms", help="national credit platforms (file adapters)")

    @platforms_group.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def platforms_import(path: str) -> None:
        """Import repair applications pushed from 信用中国 (a JSON file)."""
        import json
        from pathlib import Path

        from app.platforms.creditchina import ImportRefused
        from app.platforms.jobs import import_file

        try:
            report = import_file(db.session, Path(path))
        except ImportRefused as exc:
            raise click.ClickException(exc.message) from None
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))

    @platforms_group.command("export")
    def platforms_export() -> None:
        """Import dropped files, then write the export files that are due."""
        from app.platforms.jobs import folders, run

        written = run(db.session)
        click.echo(f"exported {written or 'nothing'} to {folders()[1]}")

    app.cli.add_command(platforms_group)

    scheduler_group = click.Group("scheduler", help="the timer scheduler")

    @scheduler_group.command("run")
    def scheduler_run() -> None:
        """Run the scheduler alone (for deployments with several web processes)."""
        from app.scheduler import run_blocking

        click.echo("scheduler running; Ctrl-C to stop")
        run_blocking(current_app._get_current_object())

    app.cli.add_command(scheduler_group)

    audit_group = click.Group("audit", help="the tamper-evident case history")

    @audit_group.command("verify")
    def audit_verify() -> None:
        """Check every case's chain of audit events; exit 1 at the first broken link."""
        from app.engine.audit_chain import verify

        checked, broken = verify(db.session)
        if broken is not None:
            click.echo(f"BROKEN after {checked} good event(s): {broken.describe()}")
            raise SystemExit(1)
        click.echo(f"audit chain intact: {checked} event(s)")

    app.cli.add_command(audit_group)

    consistency_group = click.Group("consistency", help="stored workflows against their index rows")

    @consistency_group.command("check")
    @click.option("--limit", default=20, show_default=True, help="mismatches to print at most")
    def consistency_check(limit: int) -> None:
        """Every case: open task rows == ready tasks, pending timer rows == waiting timers,
        status == completion; exit 1 when any case disagrees."""
        from app.engine.consistency import Mismatch, check_all

        found = 0
        for result in check_all(db.session):
            if isinstance(result, Mismatch):
                found += 1
                if found <= limit:
                    click.echo(result.describe())
            else:
                checked = result
        db.session.rollback()
        if found:
            click.echo(f"{found} mismatch(es) in {checked} case(s)")
            raise SystemExit(1)
        click.echo(f"consistent: {checked} case(s)")

    app.cli.add_command(consistency_group)

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup(path: str) -> None:
        """Copy the SQLite database to PATH while the app runs (PostgreSQL: pg_dump)."""
        from pathlib import Path

        from app.ops.backup import BackupRefused, backup_sqlite

        try:
            pages = backup_sqlite(current_app.config["DATABASE_URL"], Path(path))
        except BackupRefused as exc:
            click.echo(str(exc))
            raise SystemExit(1) from None
        click.echo(f"backed up {pages} page(s) to {path}")
