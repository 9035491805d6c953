"""Reading an uploaded PDF or DOCX résumé into draft fields the candidate then reviews.

No Flask here: the RQ job (`app.resumes.tasks.parse`) calls `parse_file` with a path and a
content type. This module reads the text (in reading order); app.resumes.fields finds the
fields in it. Every way a file can be unreadable (broken, encrypted, a zip bomb, no text)
raises `ParseError` with a short code; the page turns the code into a sentence in the
reader's language, so the stored error never freezes one language.

Work is bounded before it starts: at most MAX_PAGES pages and MAX_TEXT characters are read,
and a DOCX is measured (entries, unpacked size, compression ratio) before it is opened.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from rq.timeouts import BaseTimeoutException

from app.resumes.fields import extract_fields

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MAX_PAGES = 15
"""Résumés are a few pages; a 500-page PDF is not a résumé and would only cost time."""

MAX_TEXT = 60_000
"""Characters kept from the document; enough for any résumé."""

MAX_ZIP_ENTRIES = 1_000
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
"""A real DOCX of 10 MB unpacks to a little more, mostly images; 40 MB leaves room."""

MAX_RATIO = 100
"""XML compresses about 5-20x; a member packed tighter than 100x is a zip bomb."""

RATIO_MIN_BYTES = 1024 * 1024
"""Tiny members can have silly ratios (a run of spaces) without being dangerous."""


class ParseError(Exception):
    """The file could not be read. CODE is one of `ERROR_CODES`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


ERROR_CODES = ("broken", "encrypted", "zip_bomb", "no_text", "timeout", "unsupported")


def parse_file(path: Path, content_type: str) -> dict:
    """Draft résumé fields read from the file at PATH; raises ParseError."""
    if content_type == PDF:
        text = pdf_text(path)
    elif content_type == DOCX:
        text = docx_text(path)
    else:
        raise ParseError("unsupported")
    # PDFs with broken font maps yield NUL, which PostgreSQL refuses and the API cannot
    # give back: the web pages refuse it in what people type, and this is the one way in
    # that does not pass through a request.
    text = text.replace("\x00", "")
    if not text.strip():
        raise ParseError("no_text")
    return extract_fields(text)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("encrypted")
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            chunk = page.extract_text() or ""
            parts.append(chunk)
            size += len(chunk)
            if size >= MAX_TEXT:
                break
    except (ParseError, BaseTimeoutException):
        raise
    except Exception as error:  # pypdf reports damaged files through many exception types
        if "crypt" in str(error).lower():
            raise ParseError("encrypted") from error
        raise ParseError("broken") from error
    return "\n".join(parts)[:MAX_TEXT]


def check_zip(path: Path) -> None:
    """Refuse archives that would unpack into far more than they weigh (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ParseError("broken") from error
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ParseError("zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ParseError("zip_bomb")
    if total > MAX_UNPACKED_BYTES:
        raise ParseError("zip_bomb")


def docx_text(path: Path) -> str:
    check_zip(path)
    import docx

    try:
        document = docx.Document(str(path))
        lines = []
        # Body order: a layout table (a two-column template) sits between paragraphs.
        for block in document.iter_inner_content():
            if isinstance(block, docx.table.Table):
                lines.extend(table_lines(block))
            else:
                lines.append(block.text)
    except BaseTimeoutException:
        raise
    except Exception as error:  # python-docx and lxml fail on damage in many different ways
        raise ParseError("broken") from error
    return "\n".join(lines)[:MAX_TEXT]


def table_lines(table) -> list[str]:
    """A data table's rows as "a | b" lines; a layout table (cells of several paragraphs, as
    two-column templates are built) cell by cell, so one column's lines never merge with the
    other's."""
    lines = []
    for row in table.rows:
        cells = [[p.text for p in cell.paragraphs if p.text.strip()] for cell in row.cells]
        if any(len(paragraphs) > 1 for paragraphs in cells):
            for paragraphs in cells:
                lines.extend(paragraphs)
        else:
            lines.append(" | ".join(p[0] if p else "" for p in cells))
    return lines
