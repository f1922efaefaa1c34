"""Documents: a printable page (A4) and a Word download of each."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, render_template
from flask_login import login_required

from app.extensions import db
from app.models import Document
from app.register.documents import documents_for, printed
from app.register.word import to_docx
from app.web.cases.routes import load_case
from app.web.common import get_visible_or_404
from app.web.register.routes import bp


def load_document(document_id: int) -> Document:
    return get_visible_or_404(Document, document_id, "文书不存在")


@bp.route("/documents/<int:document_id>")
@login_required
def show_document(document_id: int):
    document = load_document(document_id)
    return render_template("documents/show.html", document=document, view=printed(document))


@bp.route("/documents/<int:document_id>.docx")
@login_required
def download_document(document_id: int):
    document = load_document(document_id)
    filename = quote(f"{document.title}-{document.number}.docx")
    return Response(
        to_docx(printed(document)),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


@bp.route("/cases/<int:case_id>/documents")
@login_required
def case_documents(case_id: int):
    case = load_case(case_id)
    return render_template(
        "documents/list.html", case=case, documents=documents_for(db.session, case_id=case.id)
    )
