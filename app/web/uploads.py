"""Views that take files: their request limits, reading the files a form sent, and
handing a stored file back.

A view marked `@accepts_uploads` reads up to ATTACHMENTS_PER_FORM files of
ATTACHMENT_MAX_BYTES plus its text, and each text field up to FORM_FIELD_MAX_BYTES, so a
long paste reaches the form's own validation (an error beside the field, everything kept)
instead of a bare 413.  The limits are the request's own (Flask 3.1), read when the body
is parsed, which for a form post is the CSRF check before any view: so they are decided
from the matched endpoint here rather than set inside the view."""

from __future__ import annotations

from flask import Request, current_app, send_file
from werkzeug.datastructures import FileStorage

from app.models import Attachment
from app.storage import storage


def accepts_uploads(view):
    view.accepts_uploads = True
    return view


def _upload_view(request: "UploadAwareRequest") -> bool:
    if not current_app or request.url_rule is None:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "accepts_uploads", False))


class UploadAwareRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and _upload_view(self):
            config = current_app.config
            return (
                config["ATTACHMENT_MAX_BYTES"] * config["ATTACHMENTS_PER_FORM"]
                + 2 * config["FORM_FIELD_MAX_BYTES"]
            )
        return Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        if self._max_form_memory_size is None and _upload_view(self):
            return current_app.config["FORM_FIELD_MAX_BYTES"]
        return Request.max_form_memory_size.fget(self)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value


def sent_files(request, name: str) -> list[FileStorage]:
    """The non-empty files a form sent under `name` (a file input left empty sends one
    part without a file name)."""
    return [f for f in request.files.getlist(name) if f and f.filename]


def send_attachment(attachment: Attachment):
    response = send_file(
        storage().open(attachment.sha256),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
