"""Files a tipster attaches (照片、视频截图、书证): a few, small, of the plainest kinds
(TIP_ATTACHMENT_* settings), on the tip's case under "举报人"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.attachments.service import Limits, attach
from app.errors import AppError, Invalid
from app.models import Case, Tip

EVIDENCE = "evidence"
LABEL = "举报人提供的材料"


class TipFilesRefused(Invalid):
    """A file of the tip is refused: the whole tip is kept back (nothing stored), the
    form is drawn again with everything typed."""


def attach_tip_files(session: Session, tip: Tip, uploads, limits: Limits) -> None:
    if len(uploads) > limits.per_form:
        raise TipFilesRefused("附件过多", {EVIDENCE: f"最多上传 {limits.per_form} 个文件"})
    case = session.get(Case, tip.case_id)
    for upload in uploads:
        try:
            attach(
                session,
                case,
                upload.stream,
                upload.filename,
                actor=None,
                label=LABEL,
                channel="tip",
                limits=limits,
                actor_name="举报人",
            )
        except AppError as exc:
            message = next(iter((exc.errors or {}).values()), exc.message)
            raise TipFilesRefused(exc.message, {EVIDENCE: f"{message}，请重新选择文件"}) from None
