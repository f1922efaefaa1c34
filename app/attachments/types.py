"""Which files are accepted, decided by their first bytes (magic numbers) and not by the
name alone: a renamed executable is refused whatever it is called.

Kinds (the setting ATTACHMENT_TYPES lists those allowed): pdf, jpg, png, doc, xls, docx,
xlsx, ofd.  The old Office formats share one container (OLE2), as the new ones and OFD
share ZIP: the extension chooses among the kinds that container can be, and for ZIP the
part names inside confirm it (word/…, xl/…, OFD.xml).
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
LABELS = {
    "pdf": "PDF",
    "jpg": "JPG",
    "png": "PNG",
    "doc": "DOC",
    "xls": "XLS",
    "docx": "DOCX",
    "xlsx": "XLSX",
    "ofd": "OFD",
}
EXTENSIONS = {"jpeg": "jpg", "jpe": "jpg"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_PARTS = {"docx": "word/", "xlsx": "xl/", "ofd": "OFD.xml"}
MAX_ZIP_ENTRIES = 10_000  # reading the directory of a hostile archive stays cheap


def extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return EXTENSIONS.get(ext, ext)


def detect(stream: BinaryIO, name: str) -> str | None:
    """The kind of the file (one of CONTENT_TYPES), or None when its bytes are none of
    them or do not match its extension.  The stream is left at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    ext = extension(name)
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(OLE2):
        kind = ext if ext in ("doc", "xls") else None
    elif head.startswith(b"PK\x03\x04"):
        kind = ext if ext in ZIP_PARTS and _zip_holds(stream, ZIP_PARTS[ext]) else None
    else:
        kind = None
    stream.seek(0)
    return kind


def _zip_holds(stream: BinaryIO, part: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    if len(names) > MAX_ZIP_ENTRIES:
        return False
    return any(n == part or n.startswith(part) or n.endswith("/" + part) for n in names)


def describe(kinds) -> str:
    return "、".join(LABELS.get(k, k.upper()) for k in kinds)
