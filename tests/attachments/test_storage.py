"""The local storage: content-addressed, streamed, capped; kinds decided by their bytes."""

from __future__ import annotations

import hashlib
import io

import pytest

from app.attachments import types
from app.errors import TooLarge
from app.storage import LocalStorage
from tests.attachments.files import JPG, PDF, PNG, docx


def test_put_streams_by_content_and_open_reads_it_back(tmp_path):
    store = LocalStorage(tmp_path)
    sha, size = store.put(io.BytesIO(PDF * 5000), max_bytes=10**7)
    assert sha == hashlib.sha256(PDF * 5000).hexdigest() and size == len(PDF) * 5000
    assert (tmp_path / sha[:2] / sha[2:]).is_file() and store.exists(sha)
    with store.open(sha) as handle:
        assert handle.read() == PDF * 5000
    assert store.put(PDF * 5000, max_bytes=10**7) == (sha, size)  # stored once


def test_over_the_cap_leaves_nothing_behind(tmp_path):
    store = LocalStorage(tmp_path)
    with pytest.raises(TooLarge):
        store.put(io.BytesIO(b"x" * 200_000), max_bytes=100_000)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_name_that_is_no_digest_is_refused(tmp_path):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).open("../../etc/passwd")


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (PDF, "a.pdf", "pdf"),
        (PDF, "renamed.txt", "pdf"),
        (PNG, "p.png", "png"),
        (JPG, "p.jpeg", "jpg"),
        (docx(), "r.docx", "docx"),
        (docx(), "r.xlsx", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 30, "old.doc", "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 30, "old.exe", None),
        (b"MZ\x90\x00", "a.pdf", None),
        (b"", "empty.pdf", None),
    ],
)
def test_kind_comes_from_the_bytes(content, name, kind):
    assert types.detect(io.BytesIO(content), name) == kind
