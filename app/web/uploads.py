"""Views that take files: their request limits, reading the files a form sent, and
handing a stored file back.

A view marked `@accepts_uploads` reads up to ATTACHMENTS_PER_FORM files of
ATTACHMENT_MAX_BYTES plus its text, and each text field up to FORM_FIELD_MAX_BYTES (the
public tip form: the TIP_ settings), so a
long paste reaches the form's own validation (an error beside the field, everything kept)
instead of a bare 413.  The limits are the request's own (Flask 3.1), read when the body
is parsed, which for a form post is the CSRF check before any view: so they are decided
from the matched endpoint here rather than set inside the view."""

from __future__ import annotations

from flask import Flask, current_app, g, request, send_file
from werkzeug.datastructures import FileStorage

from app.attachments.service import Limits
from app.models import Attachment
from app.security.hygiene import CleanRequest
from app.storage import storage


def accepts_uploads(view=None, *, public: bool = False):
    """Mark a view that takes files; `public`: the tip form's tighter limits."""

    def mark(func):
        func.accepts_uploads = "tips" if public else "officers"
        return func

    return mark(view) if view is not None else mark


def _upload_limits(req: "UploadAwareRequest") -> Limits | None:
    if not current_app or req.url_rule is None:
        return None
    view = current_app.view_functions.get(req.endpoint or "")
    kind = getattr(view, "accepts_uploads", None)
    return None if kind is None else (Limits.tips() if kind == "tips" else Limits.officers())


class UploadAwareRequest(CleanRequest):
    @property
    def max_content_length(self) -> int | None:
        limits = _upload_limits(self) if self._max_content_length is None else None
        if limits is not None:
            text = 2 * limits.text_bytes
            if self.mimetype != "multipart/form-data":  # read whole, not part by part: text only
                return text
            return limits.max_bytes * limits.per_form + text
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        limits = _upload_limits(self) if self._max_form_memory_size is None else None
        if limits is not None:
            return limits.text_bytes
        return super().max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value


def register(app: Flask) -> None:
    app.request_class = UploadAwareRequest


TOO_LARGE = "提交的内容过大，未能读取：请缩短文字、减少或压缩附件后重新提交（已上传的附件仍保留）"


def form_too_large() -> bool:
    """True while a form page is drawn again after its post was too large to read."""
    return bool(g.get("form_too_large"))


def too_large_page():
    """For a form post over even the upload limits: the same page drawn again (its view
    sees form_too_large()) with the files already stored, instead of a bare 413 page.
    None when the request is not such a post."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method != "POST" or not getattr(view, "accepts_uploads", False):
        return None
    g.form_too_large = True
    return view(**(request.view_args or {}))


def sent_files(name: str) -> list[FileStorage]:
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
