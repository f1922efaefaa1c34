"""Where attachment bytes live: a small interface addressed by SHA-256, so that an object
store can replace the local folder without touching the callers.

`ATTACHMENT_STORAGE` names the implementation ("local": files under
`ATTACHMENT_DIR`, default instance/attachments/ab/cdef…).  `put` streams to a temporary
file beside the target, hashing as it goes, and stops at `max_bytes`: no upload is ever
held in memory whole, and an oversized one leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

from app.errors import TooLarge

CHUNK = 64 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Storage(Protocol):
    def put(self, data: bytes | BinaryIO, max_bytes: int) -> tuple[str, int]:
        """Store the bytes; (sha256 hex, size).  Raises TooLarge beyond max_bytes."""

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes for reading (FileNotFoundError when absent)."""

    def exists(self, sha256: str) -> bool: ...


class LocalStorage:
    """Content-addressed files in a folder: the same bytes are stored once."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes | BinaryIO, max_bytes: int) -> tuple[str, int]:
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle, temp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in _chunks(data):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"文件超过 {_megabytes(max_bytes)} 的上限")
                    digest.update(chunk)
                    out.write(chunk)
            sha = digest.hexdigest()
            target = self._path(sha)
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                os.unlink(temp_name)  # the same content is already stored
            else:
                os.replace(temp_name, target)
            return sha, size
        except BaseException:
            if os.path.exists(temp_name):
                os.unlink(temp_name)
            raise

    def open(self, sha256: str) -> BinaryIO:
        return open(self._path(sha256), "rb")

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()


def _chunks(data: bytes | BinaryIO):
    if isinstance(data, (bytes, bytearray)):
        for start in range(0, len(data), CHUNK):
            yield bytes(data[start : start + CHUNK])
        return
    while chunk := data.read(CHUNK):
        yield chunk


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


def _local(config) -> LocalStorage:
    return LocalStorage(config.get("ATTACHMENT_DIR") or Path(current_app.instance_path) / "attachments")


IMPLEMENTATIONS = {"local": _local}


def storage() -> Storage:
    """The storage the settings choose (ATTACHMENT_STORAGE)."""
    kind = current_app.config.get("ATTACHMENT_STORAGE", "local")
    if kind not in IMPLEMENTATIONS:
        raise RuntimeError(f"unknown ATTACHMENT_STORAGE {kind!r}")
    return IMPLEMENTATIONS[kind](current_app.config)
