"""The résumé parser on a generated corpus of real PDF and DOCX files (bench/resume_corpus.py):
per-field accuracy, compatibility characters, labelled lines split into their fields, and the
confirm step whose pre-filled résumé always saves in the builder."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import ParseStatus, Resume, ResumeFile, Role
from app.resumes.fields import extract_fields
from app.resumes.parsing import parse_file, pdf_text
from app.resumes.service import DRAFT_FIELDS
from bench.evaluate_resumes import evaluate
from bench.resume_corpus import generate
from tests import factories
from tests.web import csrf_token, login


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("corpus"), count=32, seed=14)


def test_corpus_covers_languages_formats_and_layouts(corpus):
    tags = {tag for sample in corpus for tag in sample.tags}
    assert len(corpus) >= 30
    assert {"zh", "en", "pdf", "docx", "one-column", "two-column", "radicals"} <= tags


def test_parser_gets_at_least_90_percent_of_fields_right():
    result = evaluate(count=32, seed=14)
    assert result["resumes"] >= 30 and result["fields_checked"] > 500
    assert result["accuracy"] >= 0.9, result["failures"][:20]
    for field, accuracy in result["fields"].items():
        assert accuracy >= 0.8, (field, accuracy)


def test_compatibility_radicals_are_normalised(corpus):
    sample = next(s for s in corpus if "radicals" in s.tags)
    assert "\u2f2f" in pdf_text(sample.path)  # the text layer really holds ⼯
    parsed = parse_file(sample.path, sample.content_type)
    flat = repr(parsed)
    assert "\u2f2f" not in flat and "\u2f49" not in flat
    assert parsed["headline"] == sample.expected["headline"]


def test_a_labelled_line_is_split_into_title_salary_and_place():
    fields = extract_fields(
        "李雷\n求职意向：Java开发⼯程师 期望薪资：15K-20K 工作地点：武汉\n"
        "2019.07-至今 武汉光谷科技有限公司高级Java开发工程师\n"
        "2015.09-2019.06 武汉大学 计算机科学与技术 本科",
        today=date(2026, 12, 1),
    )
    assert fields["headline"] == "Java开发工程师"
    assert (fields["expected_salary_min"], fields["expected_salary_max"]) == (15000, 20000)
    assert fields["location"] == "武汉"
    job = fields["experience"][0]
    assert (job["company"], job["title"]) == ("武汉光谷科技有限公司", "高级Java开发工程师")
    assert fields["years_experience"] == 7 and fields["education_level"] == "bachelor"
    assert fields["education"][0]["major"] == "计算机科学与技术"


def test_years_said_without_a_label():
    assert extract_fields("张三\n5年工作经验 | 本科 | 武汉")["years_experience"] == 5
    assert extract_fields("8+ years of experience in Java")["years_experience"] == 8


def test_salary_forms():
    for text, expected in [
        ("期望薪资：1.5万-2万/月", (15000, 20000)),
        ("期望月薪：8000-12000元", (8000, 12000)),
        ("Expected salary: ¥15,000–20,000 per month", (15000, 20000)),
        ("期望薪资：年薪24万", (20000, 20000)),
        ("期望薪资：面议", (None, None)),
    ]:
        fields = extract_fields(text)
        assert (fields["expected_salary_min"], fields["expected_salary_max"]) == expected, text


class FormFields(HTMLParser):
    """The values a browser would post back from the builder form, as the page renders it."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.values.append((self.select, a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.values.append((self.textarea, ""))

    def handle_data(self, data):
        if self.textarea:
            name, value = self.values[-1]
            self.values[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None


def test_confirmed_draft_always_saves_in_the_builder(client, corpus):
    """Every corpus résumé, and one whose jobs have no titles: confirm everything, then post
    the builder form back as rendered; it saves (never "Give the job title")."""
    user = factories.user(Role.SEEKER)
    db.session.commit()
    login(client, user.email, factories.PASSWORD)
    drafts = [parse_file(s.path, s.content_type) for s in corpus[::4]]
    untitled = extract_fields("2019.07-至今 武汉钢铁有限公司\n2015.09-2019.06 武汉大学")
    assert untitled["experience"][0]["title"] == ""
    drafts.append(untitled)
    for n, draft in enumerate(drafts):
        db.session.execute(Resume.__table__.delete())
        item = ResumeFile(
            user_id=user.id,
            filename="cv.pdf",
            content_type="application/pdf",
            stored_name=f"corpus-{n}.pdf",
            size=1,
            parse_status=ParseStatus.PARSED,
            parsed_fields=draft,
        )
        db.session.add(item)
        db.session.commit()
        token = csrf_token(client, f"/resumes/files/{item.id}")
        response = client.post(
            f"/resumes/files/{item.id}/confirm",
            data={"csrf_token": token, "fields": list(DRAFT_FIELDS)},
        )
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/resumes/mine")
        page = client.get("/resumes/mine").get_data(as_text=True)
        form_html = re.search(
            r'<form method="post" novalidate class="card resume-builder">.*?</form>', page, re.S
        ).group(0)
        parser = FormFields()
        parser.feed(form_html)
        response = client.post("/resumes/mine", data=MultiDict(parser.values))
        body = response.get_data(as_text=True)
        assert response.status_code == 302, re.findall(
            r'class="[^"]*error[^"]*"[^>]*>([^<]+)', body
        )
        resume = db.session.scalar(select(Resume).where(Resume.user_id == user.id))
        assert all(job["title"] for job in resume.experience)
        if draft.get("expected_salary_min"):
            assert resume.expected_salary_min == draft["expected_salary_min"]


def test_chinese_punctuation_survives_the_compatibility_folding():
    fields = extract_fields(
        "工作经历\n2019.07-至今 武汉光谷科技有限公司 普工(电子装配)\n负责产线装配，月产量提升20%。"
    )
    job = fields["experience"][0]
    assert job["title"] == "普工（电子装配）"
    assert job["description"] == "负责产线装配，月产量提升20%。"
