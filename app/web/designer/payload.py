"""Reading a BPMN upload and its change note from a request (pages and API alike),
and the JSON shapes of process versions."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Response, request

from app.clock import iso
from app.engine.deploy import VersionRow
from app.models import ProcessVersion

MAX_NOTE = 500


def change_note() -> str:
    """The X-Change-Note header (percent-encoded or raw UTF-8) or the form's `note`."""
    note = request.form.get("note") if request.form else None
    if note is None:
        raw = request.headers.get("X-Change-Note", "")
        try:  # WSGI hands headers over as latin-1; a client may have sent UTF-8 bytes
            raw = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        note = unquote(raw) if "%" in raw else raw
    return " ".join(note.split())[:MAX_NOTE]


def bpmn_upload() -> bytes:
    """The uploaded file (multipart field `file`) or else the raw request body."""
    upload = request.files.get("file")
    if upload is not None:
        return upload.read()
    return request.get_data(cache=False)


def version_json(row: VersionRow) -> dict:
    version: ProcessVersion = row.version
    return {
        "number": version.number,
        "state": version.state,
        "valid": version.is_valid,
        "author": version.author.username if version.author else None,
        "author_name": version.author.display_name if version.author else "系统",
        "approved_by": version.approved_by.username if version.approved_by else None,
        "created_at": iso(version.created_at),
        "updated_at": iso(version.updated_at),
        "published_at": iso(version.published_at),
        "note": version.note,
        "cases": row.cases,
        "active_cases": row.active_cases,
        "errors": len(version.errors or []),
    }


def draft_json(version: ProcessVersion) -> dict:
    return {
        "key": version.key,
        "number": version.number,
        "state": version.state,
        "note": version.note,
        "errors": version.errors or [],
        "warnings": (version.meta or {}).get("warnings", []),
    }


def xml_download(version: ProcessVersion) -> Response:
    """A stored version's XML, always as a download and never run by a browser: an
    uploaded file could carry XHTML script that an XML viewer would execute."""
    return Response(
        version.xml,
        mimetype="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{version.key}-v{version.number}.bpmn"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "X-Content-Type-Options": "nosniff",
        },
    )
