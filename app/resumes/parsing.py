"""Reading an uploaded PDF or DOCX résumé into draft fields the candidate then reviews.

No Flask here: the RQ job (`app.resumes.tasks.parse`) calls `parse_file` with a path and a
content type. Every way a file can be unreadable (broken, encrypted, a zip bomb, no text)
raises `ParseError` with a short code; the page turns the code into a sentence in the
reader's language, so the stored error never freezes one language.

Work is bounded before it starts: at most MAX_PAGES pages and MAX_TEXT characters are read,
and a DOCX is measured (entries, unpacked size, compression ratio) before it is opened.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from rq.timeouts import BaseTimeoutException

from matching.skills import vocabulary

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
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    except BaseTimeoutException:
        raise
    except Exception as error:  # python-docx and lxml fail on damage in many different ways
        raise ParseError("broken") from error
    return "\n".join(lines)[:MAX_TEXT]


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
YEAR_RANGE = re.compile(
    r"((?:19|20)\d{2})(?:[./\-年]\s*(\d{1,2})月?)?\s*(?:[-–—~～至到]|to)\s*"
    r"((?:19|20)\d{2}|至今|今|现在|present|now)(?:[./\-年]\s*(\d{1,2})月?)?",
    re.IGNORECASE,
)
HEADLINE_LABEL = re.compile(
    r"^\s*(?:求职意向|应聘职位|意向岗位|期望职位|目标职位|objective|position sought|desired position)"
    r"\s*[:：]?\s*(.+)$",
    re.IGNORECASE,
)
SCHOOL = re.compile(
    r"大学|学院|学校|中学|中专|技校|university|college|institute|school", re.IGNORECASE
)
COMPANY = re.compile(
    r"公司|集团|有限|工厂|厂|酒店|医院|co\.|ltd|inc\.?|corp|company|group", re.IGNORECASE
)
DEGREES = [
    ("doctorate", re.compile(r"博士|ph\.?d|doctor", re.IGNORECASE)),
    ("master", re.compile(r"硕士|研究生|master|mba", re.IGNORECASE)),
    ("bachelor", re.compile(r"本科|学士|bachelor|b\.sc|b\.a\.", re.IGNORECASE)),
    ("associate", re.compile(r"大专|专科|associate", re.IGNORECASE)),
    ("vocational", re.compile(r"中专|技校|职高|vocational", re.IGNORECASE)),
    ("high_school", re.compile(r"高中|high school", re.IGNORECASE)),
]
MAX_ENTRIES = 10


def extract_fields(text: str) -> dict:
    """Best guesses, never facts: the candidate confirms or corrects each one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    email = EMAIL.search(text)
    phone = MOBILE.search(text)
    vocab = vocabulary()
    skills = sorted(vocab.display(skill, "zh") for skill in vocab.extract(text))
    education, experience = [], []
    for line in lines:
        if len(line) > 200:
            continue
        span = YEAR_RANGE.search(line)
        start, end = (_year_month(span.group(1), span.group(2)), _end(span)) if span else ("", "")
        label = (YEAR_RANGE.sub("", line).strip(" |,，;；:：") if span else line)[:120]
        if SCHOOL.search(line) and len(education) < MAX_ENTRIES:
            degree = next((name for name, pattern in DEGREES if pattern.search(line)), "")
            education.append(
                {"school": label, "degree": degree, "major": "", "start": start, "end": end}
            )
        elif COMPANY.search(line) and len(experience) < MAX_ENTRIES:
            experience.append(
                {
                    "title": "",
                    "company": label,
                    "description": "",
                    "start": start,
                    "end": end,
                    "years": _years(span),
                }
            )
    return {
        "headline": _headline(lines),
        "skills": skills[:30],
        "email": email.group(0).lower() if email else "",
        "phone": "".join(phone.groups()) if phone else "",
        "education": education,
        "experience": experience,
    }


def _headline(lines: list[str]) -> str:
    for line in lines[:80]:
        labelled = HEADLINE_LABEL.match(line)
        if labelled:
            return labelled.group(1).strip()[:120]
    for line in lines[:10]:
        if not EMAIL.search(line) and not MOBILE.search(line) and 2 <= len(line) <= 60:
            return line[:120]
    return ""


def _year_month(year: str, month: str | None) -> str:
    if month and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return year


def _end(span: re.Match) -> str:
    end = span.group(3)
    if not end[:1].isdigit():
        return ""  # "至今" / "present": still there
    return _year_month(end, span.group(4))


def _years(span: re.Match | None) -> int | None:
    if span is None:
        return None
    end = span.group(3)
    if not end[:1].isdigit():
        from datetime import date

        end = str(date.today().year)
    years = int(end) - int(span.group(1))
    return years if 0 <= years <= 60 else None
