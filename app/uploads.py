"""Storing uploaded files safely: company documents, logos and résumés.

The type comes from the file's first bytes, never from the name or the Content-Type the
browser sent (a renamed executable stays an executable). Files are kept in UPLOAD_FOLDER,
outside the web root, under random names, and only ever served through routes that check
access first (see `send_upload`).

A stored file belongs to the database transaction under way: it stays when that transaction
commits and is deleted when it ends any other way (a refusal rolled back, a failed commit,
a 500), so no row-less file outlives a request. What escapes that (a worker killed between
the two) is deleted by `sweep` a day later. Forms that take files are limited per account
(`rate_limited`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import abort, current_app, request, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from app.errors import DomainError
from app.extensions import db, limiter, per_account
from app.labels import list_comma
from app.worker import task

log = logging.getLogger(__name__)

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

    The caller records the returned name in its transaction; the file is deleted unless that
    transaction commits (`held_until_commit`).
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
        held_until_commit(db.session(), base / stored_name)
        os.replace(temp, base / stored_name)
    finally:
        temp.unlink(missing_ok=True)
    # Kept only to name the download; shown escaped, never used as a path.
    filename = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "upload"
    return StoredFile(stored_name, filename, content_type, size, sha256)


HELD = "yunpin.uploads.held"
"""Where a session lists the files stored during its transaction (`Session.info`)."""


def held_until_commit(session: Session, path: Path) -> None:
    """Delete PATH when SESSION's transaction ends without committing. A session outside a
    transaction begins one, so the file always has a transaction to belong to."""
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(HELD, []).append(path)


@sa.event.listens_for(Session, "after_commit", insert=True)
def _kept(session: Session) -> None:
    # First of the commit's listeners: one that fails after it (an enqueue with Redis down)
    # must not leave a committed row's file listed for deletion. A savepoint released also
    # says "commit"; only the outermost transaction's counts.
    if not session.in_nested_transaction():
        session.info.pop(HELD, None)


@sa.event.listens_for(Session, "after_transaction_end")
def _dropped(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended; after a commit `_kept` emptied the list first."""
    if transaction.parent is None:
        for path in session.info.pop(HELD, ()):
            _delete(path)


def _delete(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:  # the sweep tries again; the request's answer stands
        log.warning("could not delete the uncommitted upload %s: %s", path, error)


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


UPLOAD_LIMIT = "20 per hour;50 per day"
"""Posts carrying a file, per account and form: each writes up to 10 MB to disk, and a
résumé queues a parse."""


def _no_file_sent() -> bool:
    return not any(upload.filename for upload in request.files.values())


def rate_limited(view: Callable) -> Callable:
    """Decorator of a form that takes files: UPLOAD_LIMIT for the posts that carry one (a
    profile saved without a new logo is not an upload)."""
    return limiter.limit(
        UPLOAD_LIMIT, methods=["POST"], key_func=per_account, exempt_when=_no_file_sent
    )(view)


SWEEP_AFTER = 24 * 3600
"""Seconds a file may lie in the folder unreferenced before the sweep deletes it: far longer
than any transaction or export build, so nothing on its way to a row is taken."""

OUR_NAME = re.compile(r"(?:\.incoming-)?[0-9a-f]{16,32}(?:\.[a-z]{3,4})?")
"""The names this module and the exports (app/privacy/export.py) give files, kept or on
their way in; the sweep touches nothing else, whatever else the folder holds."""


def _references() -> list[sa.ColumnElement[str | None]]:
    """Every column naming a file in the folder: the upload tables (StoredUpload) found, so a
    new one is covered; the logo and the export zip by hand."""
    from app.models import DataExport, Employer
    from app.models.base import StoredUpload

    tables = StoredUpload.__subclasses__()
    return [*(t.stored_name for t in tables), Employer.logo_path, DataExport.stored_name]


def _referenced(names: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        for column in _references():
            found.update(db.session.scalars(sa.select(column).where(column.in_(chunk))))
    return found


def unreferenced() -> list[Path]:
    """Files of ours older than SWEEP_AFTER that no row names (leftovers of a crash)."""
    cutoff = time.time() - SWEEP_AFTER
    old = {
        entry.name: Path(entry.path)
        for entry in os.scandir(folder())
        if entry.is_file(follow_symlinks=False)
        and OUR_NAME.fullmatch(entry.name)
        and entry.stat().st_mtime < cutoff
    }
    kept = _referenced(sorted(old))
    return [path for name, path in sorted(old.items()) if name not in kept]


@task(writes=False)
def sweep() -> int:
    """Delete the files `unreferenced` lists; returns how many (app/schedule.py, daily)."""
    doomed = unreferenced()
    for path in doomed:
        _delete(path)
    db.session.rollback()
    return len(doomed)
