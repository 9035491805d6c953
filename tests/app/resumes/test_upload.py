"""Uploading a PDF/DOCX résumé: type from content, size limit, parsing in a real RQ worker,
and every unreadable file ending as a clear failed-parse message instead of a 500 or a hang."""

from __future__ import annotations

import io
import time
import zipfile

import docx
from flask_babel import refresh
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import select

from app.extensions import db
from app.models import ParseStatus, Resume, ResumeFile, Role
from tests import factories
from tests.web import csrf_token, login, post_form

LINES = [
    "Objective: Java developer",
    "Email: Li.Lei@Example.com  Phone: 138-1234-5678",
    "Skills: Java, Spring Boot, MySQL, Docker",
    "2015.09 - 2019.06 Wuhan University Bachelor",
    "2019.07 - present Acme Software Co. Ltd",
]


def make_pdf(lines=LINES, password: str | None = None) -> bytes:
    """A real one-page PDF with a text layer, written by pypdf."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
        }
    )
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
    for line in lines:
        ops.append("(" + line.replace("(", r"\(").replace(")", r"\)") + ") Tj T*")
    ops.append("ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx() -> bytes:
    document = docx.Document()
    for line in [
        "求职意向：焊工",
        "电话：13912345678  邮箱：wang@example.com",
        "技能：焊接、电工、叉车",
        "期望薪资：8000-10000元/月",
        "2010.09-2013.06 武汉技师学院 中专",
        "2024.09-至今 武汉开放大学 大专",
        "2013.07-至今 武汉钢铁有限公司 焊工",
    ]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A "DOCX" whose document.xml unpacks 1000x: 30 MB of spaces in about 30 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (30 * 1024 * 1024))
    return out.getvalue()


def seeker(client):
    user = factories.user(Role.SEEKER)
    db.session.commit()
    login(client, user.email, factories.PASSWORD)
    return user


def upload(client, content: bytes, name: str):
    token = csrf_token(client, "/resumes/upload")
    return client.post(
        "/resumes/upload",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def parsed(worker, response) -> ResumeFile:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    started = time.monotonic()
    assert worker() == 1
    assert time.monotonic() - started < 30  # bounded, never a hang
    item = db.session.scalar(select(ResumeFile).order_by(ResumeFile.id.desc()))
    db.session.refresh(item)
    assert item.parse_status != ParseStatus.PENDING
    return item


def test_pdf_is_parsed_into_draft_fields_and_confirmed(client, worker):
    seeker(client)
    response = upload(client, make_pdf(), "my cv.pdf")
    assert client.get(response.headers["Location"]).status_code == 200  # pending page
    item = parsed(worker, response)
    assert item.parse_status == ParseStatus.PARSED, item.parse_error
    draft = item.parsed_fields
    assert draft["headline"] == "Java developer"
    assert draft["email"] == "li.lei@example.com" and draft["phone"] == "13812345678"
    assert {"Java", "Spring", "MySQL", "Docker"} <= set(draft["skills"])
    assert (
        draft["education"][0]["degree"] == "bachelor"
        and draft["education"][0]["start"] == "2015-09"
    )
    assert "Acme" in draft["experience"][0]["company"]

    page = client.get(f"/resumes/files/{item.id}").get_data(as_text=True)
    assert "Java developer" in page
    token = csrf_token(client, f"/resumes/files/{item.id}")
    response = client.post(
        f"/resumes/files/{item.id}/confirm",
        data={"csrf_token": token, "fields": ["headline", "skills", "phone"]},
    )
    assert response.status_code == 303
    resume = db.session.scalar(select(Resume))
    assert resume.headline == "Java developer" and resume.contact_phone == "13812345678"
    assert "Java" in resume.skills and resume.contact_email is None  # not chosen


def test_docx_is_parsed(client, worker):
    seeker(client)
    item = parsed(worker, upload(client, make_docx(), "简历.docx"))
    assert item.parse_status == ParseStatus.PARSED, item.parse_error
    draft = item.parsed_fields
    assert draft["headline"] == "焊工" and draft["phone"] == "13912345678"
    assert draft["email"] == "wang@example.com"
    assert "武汉技师学院" in draft["education"][0]["school"]
    assert "武汉钢铁有限公司" in draft["experience"][0]["company"]
    assert (draft["expected_salary_min"], draft["expected_salary_max"]) == (8000, 10000)
    page = client.get(f"/resumes/files/{item.id}").get_data(as_text=True)
    assert "¥8,000–10,000" in page  # the sign once, as on the résumé page
    skills = draft["skills"]
    assert len(skills) > 1 and ", ".join(skills) in page
    post_form(client, "/language", {"lang": "zh"}, token_from=f"/resumes/files/{item.id}")
    refresh()  # requests share the test's app context, where Flask-Babel keeps the locale
    zh = client.get(f"/resumes/files/{item.id}").get_data(as_text=True)
    assert "、".join(skills) in zh  # the Chinese enumeration comma
    assert f"{draft['years_experience']} 年工作经验" in zh  # a number of years says so
    assert "（2024-09–至今）" in zh and "None" not in zh  # still studying


def test_renamed_executable_is_refused(client):
    seeker(client)
    response = upload(client, b"MZ\x90\x00\x03" + b"\x00" * 500, "resume.pdf")
    assert response.status_code == 415
    assert db.session.scalar(select(ResumeFile)) is None


def test_oversized_file_is_refused(client):
    seeker(client)
    response = upload(client, b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "big.pdf")
    assert response.status_code == 413
    assert db.session.scalar(select(ResumeFile)) is None


def test_zip_bomb_fails_parsing_with_a_message(client, worker):
    seeker(client)
    item = parsed(worker, upload(client, zip_bomb(), "bomb.docx"))
    assert item.parse_status == ParseStatus.FAILED and item.parse_error == "zip_bomb"
    page = client.get(f"/resumes/files/{item.id}")
    assert page.status_code == 200 and "parse-failed" in page.get_data(as_text=True)


def test_broken_and_encrypted_pdfs_fail_parsing_with_a_message(client, worker):
    seeker(client)
    broken = parsed(
        worker, upload(client, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage" * 20, "b.pdf")
    )
    assert broken.parse_status == ParseStatus.FAILED and broken.parse_error in {"broken", "no_text"}
    locked = parsed(worker, upload(client, make_pdf(password="secret"), "locked.pdf"))
    assert locked.parse_status == ParseStatus.FAILED and locked.parse_error == "encrypted"
    assert "parse-failed" in client.get(f"/resumes/files/{locked.id}").get_data(as_text=True)


def test_files_are_private_to_their_owner(client, worker):
    seeker(client)
    item = parsed(worker, upload(client, make_pdf(), "cv.pdf"))
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    seeker(client)
    assert client.get(f"/resumes/files/{item.id}").status_code == 404


def test_the_waiting_page_says_where_the_file_stands_never_a_false_time_out(
    app, client, worker, redis_server
):
    from rq import Worker

    from app.queue import get_queue

    seeker(client)
    first = client.get(upload(client, make_pdf(), "a.pdf").headers["Location"])
    assert "which is not running at the moment" in first.get_data(as_text=True)

    # A worker is alive (registered, between two jobs): the first file is next, the second
    # has one ahead of it.
    alive = Worker([get_queue(app)], connection=redis_server)
    alive.register_birth()
    try:
        second = upload(client, make_pdf(), "b.pdf").headers["Location"]
        assert "next for the background worker" in client.get(first.request.path).get_data(
            as_text=True
        )
        page = client.get(second).get_data(as_text=True)
        assert "1 file or message is ahead of it" in page and "took too long" not in page
        assert 'http-equiv="refresh"' in page
    finally:
        alive.register_death()
    assert worker() == 2
    page = client.get(second).get_data(as_text=True)
    assert "parse-parsed" in page and 'http-equiv="refresh"' not in page
