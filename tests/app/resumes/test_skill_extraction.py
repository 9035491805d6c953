"""Skills read from a résumé are what the candidate wrote they can do, never the words that
name a section or a field: an accountant's 教育经历 heading is not the skill 教学 (teaching)."""

from __future__ import annotations

from datetime import date

import pytest

from app.resumes.fields import extract_fields, section_of
from app.resumes.parsing import DOCX, PDF, parse_file
from bench.resume_corpus import write_docx, write_pdf
from matching.skills import vocabulary

ACCOUNTANT = [
    "王芳",
    "求职意向：会计",
    "电子邮件：wangfang@example.com  电话：13912345678",
    "教育经历",
    "2012.09-2016.06 湖北经济学院 会计学 本科",
    "工作经历",
    "2016.07-至今 武汉江城商贸有限公司 会计",
    "负责记账、报税和月末结账。",
    "培训经历",
    "技能",
    "会计、Excel",
    "自我评价",
    "认真负责。",
]

DRIVER = [
    "李强",
    "求职意向：货车司机",
    "电话：13812345678",
    "【教育经历】",
    "2005.09-2008.06 武汉市第十五中学 高中",
    "■ 工作经历 / WORK EXPERIENCE",
    "2009.03-至今 武汉顺达物流有限公司 货车司机",
    "持B2驾照，负责城配送货。",
    "TRAINING",
]


@pytest.mark.parametrize(
    "lines, expected",
    [(ACCOUNTANT, {"会计", "Excel", "税务"}), (DRIVER, {"驾驶", "物流"})],
    ids=["accountant", "driver"],
)
def test_headings_and_labels_add_no_skill(lines, expected):
    skills = set(extract_fields("\n".join(lines), today=date(2026, 12, 1))["skills"])
    assert skills == expected
    assert not {"教学", "培训", "电子"} & skills


def test_an_accountants_docx_and_a_drivers_pdf_are_not_teachers(tmp_path):
    """The tester's two files, as real documents through the parser."""
    docx_path, pdf_path = tmp_path / "会计.docx", tmp_path / "司机.pdf"
    write_docx(docx_path, ACCOUNTANT, [])
    write_pdf(pdf_path, DRIVER, [], cjk=True)
    accountant = parse_file(docx_path, DOCX)
    driver = parse_file(pdf_path, PDF)
    assert "会计" in accountant["skills"] and "驾驶" in driver["skills"]
    assert "教学" not in accountant["skills"] + driver["skills"]
    # The headings still say which entries are schools and which are jobs.
    assert accountant["education"][0]["school"] == "湖北经济学院"
    assert accountant["experience"][0]["company"] == "武汉江城商贸有限公司"
    assert driver["education"][0]["degree"] == "high_school"
    assert driver["experience"][0]["title"] == "货车司机"


def test_dressed_up_headings_are_headings_and_content_is_not():
    assert section_of("【教育经历】") == "education"
    assert section_of("教育经历 EDUCATION") == "education"
    assert section_of("■ 工作经历 / WORK EXPERIENCE") == "experience"
    assert section_of("技能：焊接") is None  # a labelled value, read as content
    assert section_of("教育培训中心") is None


def test_skills_written_in_content_are_still_found():
    text = "技能：会计、出纳\n2019.07-至今 某某教育科技有限公司 教师，授课与辅导\n培训新员工"
    skills = set(extract_fields(text, today=date(2026, 12, 1))["skills"])
    assert {"会计", "教学", "培训"} <= skills


def test_education_alone_is_not_the_skill_teaching():
    """教育 names a field ("education"): a 教育科技 company or an 教育学 major is no teaching."""
    vocab = vocabulary()
    assert vocab.extract("教育经历 教育学 教育行业") == frozenset()
    assert vocab.canonical("教育") != "teaching"
    assert vocab.extract("教师资格证，班主任") == {"teaching"}
