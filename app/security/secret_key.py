"""No known secret: the session-signing key comes from the configuration (SECRET_KEY),
else from instance/secret_key (written by `flask init-db`), and never from the code.

A placeholder key is refused unless in debug or testing.  CLI commands other than the
web server do not sign sessions and get a random key of their own when none exists
(that is how `flask init-db` runs before it has written the file).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask

PLACEHOLDERS = {"", "dev-only-change-me", "change-me", "changeme", "secret", "dev"}


class InsecureSecretKey(RuntimeError):
    pass


def key_file(app: Flask) -> Path:
    return Path(app.config.get("SECRET_KEY_FILE") or Path(app.instance_path) / "secret_key")


def _in_cli_command() -> bool:
    """Running a `flask ...` command other than the development server."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name != "run"


def apply(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    app.config["SECRET_KEY_SOURCE"] = "configured"
    if key is None:
        path = key_file(app)
        if path.is_file():
            key = path.read_text(encoding="utf-8").strip()
            app.config["SECRET_KEY_SOURCE"] = "file"
    if key is not None and key not in PLACEHOLDERS:
        app.config["SECRET_KEY"] = key
        return
    relaxed = app.debug or app.testing
    if key is not None and relaxed:
        return  # a placeholder, accepted only in debug and testing
    if key is None and (relaxed or _in_cli_command()):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.config["SECRET_KEY_SOURCE"] = "ephemeral"
        return
    if key is None:
        raise InsecureSecretKey(
            "SECRET_KEY is not configured: run `flask init-db` (writes instance/secret_key) "
            "or set SECRET_KEY in the environment"
        )
    raise InsecureSecretKey("SECRET_KEY is a well-known placeholder: set a random SECRET_KEY")


def ensure_key_file(app: Flask) -> Path | None:
    """Write a random key to instance/secret_key when none is configured; returns the
    path written, or None when a key is configured or the file exists already."""
    if app.config.get("SECRET_KEY_SOURCE") != "ephemeral":
        return None
    path = key_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    app.config["SECRET_KEY"] = key
    app.config["SECRET_KEY_SOURCE"] = "file"
    return path
