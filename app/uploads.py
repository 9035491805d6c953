"""Storing uploaded files safely: company documents, logos and résumés.

The type comes from the file's first bytes, never from the name or the Content-Type the
browser sent (a renamed executable stays an executable). Files are kept in UPLOAD_FOLDER,
outside the web root, under random names, and only ever served through routes that check
access first (see `send_upload`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from app.errors import DomainError
from app.labels import list_comma

MAX_BYTES = 10 * 1024 * 1024
"""The limit promised to users; MAX_CONTENT_LENGTH leaves room for the rest of the form."""

CHUNK = 64 * 1024

PDF, PNG, JPEG, DOCX = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
)
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx"}

DOCUMENT_TYPES = frozenset({PDF, PNG, JPEG})
IMAGE_TYPES = frozenset({PNG, JPEG})
RESUME_TYPES = frozenset({PDF, DOCX})


class UploadError(DomainError):
    """An upload was refused: 400 nothing usable was sent, 413 too large, 415 wrong type."""

    status = 400


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    filename: str
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes, path: Path | None = None) -> str | None:
    """The content type told by the magic bytes at the start of a file, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and path is not None:
        # Any zip starts so; a Word document is a zip holding word/document.xml.
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    """The file behind STORED_NAME; names are ours (random hex + extension), never a path."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise FileNotFoundError(stored_name)
    return folder() / stored_name


def _copy_limited(source: BinaryIO, target: BinaryIO) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise UploadError(_l("The file is too large (the limit is 10 MB)."), status=413)
        digest.update(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def store(upload: FileStorage | None, allowed: frozenset[str]) -> StoredFile:
    """Check and keep UPLOAD if its content is one of ALLOWED types; raise UploadError if not.

    The caller records the returned name in its transaction and calls `discard` if that
    transaction fails, so no file outlives a refused change.
    """
    if upload is None or not upload.filename:
        raise UploadError(_l("Choose a file to upload."))
    base = folder()
    temp = base / f".incoming-{secrets.token_hex(8)}"
    try:
        with temp.open("wb") as target:
            size, sha256 = _copy_limited(upload.stream, target)
        if size == 0:
            raise UploadError(_l("The file is empty."))
        with temp.open("rb") as check:
            content_type = sniff(check.read(16), temp)
        if content_type not in allowed:
            names = list_comma().join(sorted(EXTENSIONS[t].lstrip(".").upper() for t in allowed))
            raise UploadError(
                _l("This file is not an accepted type (%(types)s).", types=names), status=415
            )
        stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
        os.replace(temp, base / stored_name)
    finally:
        temp.unlink(missing_ok=True)
    # Kept only to name the download; shown escaped, never used as a path.
    filename = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "upload"
    return StoredFile(stored_name, filename, content_type, size, sha256)


def discard(stored_name: str | None) -> None:
    if stored_name:
        with contextlib.suppress(FileNotFoundError):
            path_of(stored_name).unlink(missing_ok=True)


def send_upload(stored_name: str, content_type: str, download_name: str, inline: bool = True):
    """Send a stored file, after the caller has checked access.

    Its type was sniffed at upload and X-Content-Type-Options: nosniff is set on every
    response, so the browser treats it as exactly that type.
    """
    try:
        path = path_of(stored_name)
    except FileNotFoundError:
        path = None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=not inline,
        download_name=download_name,
        conditional=True,
        max_age=0,
    )
    # Private papers (licences, ID photos): not kept by proxies or the browser cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
