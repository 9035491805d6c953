"""A corpus of realistic résumés with known fields, written as real PDF and DOCX files.

Used by ``yunpin eval resume-parse`` (bench/evaluate_resumes.py) and by the résumé tests:
both generate the same files from the same seed, so a figure in docs/benchmarks and a test
failure describe the same documents.

Each résumé is a random person (seeded) laid out by one of several templates: Chinese and
English, one column and two (a sidebar), PDF (reportlab; Chinese in the Adobe CID font
STSong-Light, which needs no font file) and DOCX (python-docx; two columns as a layout
table, the way Word templates do it). The layouts vary what real résumés vary: separators,
date formats (2019.07, 2019-07, 2019年7月, Jul 2019), the order of title and company, labels.
Some Chinese PDFs carry the CJK compatibility radicals (⼯ U+2F2F for 工, ⽉ U+2F49 for 月)
that many real PDFs extract instead of the ideographs: the parser must normalise them.

``Sample.expected`` holds the fields a correct parser returns (see app/resumes/parsing.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What real PDFs often extract for 工 and 月 (Kangxi radicals, NFKC-equivalent).
RADICALS = {"工": "\u2f2f", "月": "\u2f49", "人": "\u2f08", "日": "\u2f47"}

JOBS = [
    # zh title, en title, skills (vocabulary names), salary range (yuan/month)
    ("Java开发工程师", "Java Developer", ["Java", "Spring", "MySQL", "Redis"], (12000, 25000)),
    ("前端开发工程师", "Front-end Developer", ["JavaScript", "Vue", "CSS"], (10000, 20000)),
    ("数据分析师", "Data Analyst", ["Python", "SQL", "Excel"], (9000, 18000)),
    ("物流专员", "Logistics Coordinator", ["Excel", "ERP"], (5000, 8000)),
    ("会计", "Accountant", ["Excel", "财务分析"], (6000, 10000)),
    ("机械工程师", "Mechanical Engineer", ["AutoCAD", "Excel"], (8000, 15000)),
    ("护士", "Nurse", ["护理"], (5000, 9000)),
    ("销售经理", "Sales Manager", ["销售", "Excel"], (8000, 20000)),
]
ZH_COMPANIES = [
    "武汉光谷科技有限公司",
    "湖北楚天物流有限公司",
    "武汉长江制造有限公司",
    "江岸区人民医院",
    "武汉汉口商贸有限公司",
    "湖北东湖信息技术股份有限公司",
    "武汉江城餐饮管理有限公司",
]
EN_COMPANIES = [
    "Acme Technology Co., Ltd.",
    "Yangtze Logistics Co., Ltd.",
    "Hubei Precision Manufacturing Ltd.",
    "Wuhan Union Hospital",
    "Blue Lake Software Inc.",
    "Riverside Trading Company",
]
ZH_SCHOOLS = ["武汉大学", "华中科技大学", "湖北工业大学", "武汉职业技术学院", "江汉大学"]
EN_SCHOOLS = [
    "Wuhan University",
    "Huazhong University of Science and Technology",
    "Hubei University of Technology",
    "Wuhan Vocational College",
]
MAJORS = [
    ("计算机科学与技术", "Computer Science"),
    ("会计学", "Accounting"),
    ("机械设计制造及其自动化", "Mechanical Engineering"),
    ("物流管理", "Logistics Management"),
    ("护理学", "Nursing"),
    ("市场营销", "Marketing"),
]
DEGREES = {
    # level: (zh, en)
    "associate": ("大专", "Associate Degree"),
    "bachelor": ("本科", "Bachelor"),
    "master": ("硕士", "Master"),
}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LEVEL_ORDER = ["associate", "bachelor", "master"]


@dataclass
class Sample:
    """One résumé: its file name, content type, the bytes' path, and what parsing should find."""

    name: str
    content_type: str
    path: Path
    expected: dict
    layout: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class Person:
    lang: str
    name: str
    phone: str
    email: str
    city: str
    title: str
    salary: tuple[int, int]
    skills: list[str]
    education: list[dict]
    experience: list[dict]
    years: int
    level: str


def person(rng: random.Random, lang: str, today: date) -> Person:
    zh_title, en_title, skills, (low, high) = rng.choice(JOBS)
    low = round(low * rng.uniform(0.9, 1.1), -3)
    high = max(low + 2000, round(high * rng.uniform(0.9, 1.1), -3))
    level = rng.choice(LEVEL_ORDER)
    graduated = today.year - rng.randint(2, 12)
    major_zh, major_en = rng.choice(MAJORS)
    span = {"associate": 3, "bachelor": 4, "master": 3}
    levels = ["master", "bachelor"] if level == "master" else [level]
    education, end = [], graduated
    for lvl in levels:  # newest first, as résumés list them
        start = end - span[lvl]
        education.append(
            {
                "school": rng.choice(ZH_SCHOOLS if lang == "zh" else EN_SCHOOLS),
                "degree": lvl,
                "major": major_zh if lang == "zh" else major_en,
                "start": f"{start}-09",
                "end": f"{end}-06",
            }
        )
        end = start
    # One to three jobs since graduation (July), newest first; the newest is current.
    first = graduated * 12 + 6  # months since year 0, July of the graduation year
    now = today.year * 12 + today.month - 1
    jobs = rng.randint(1, 3) if now - first > 30 else 1
    cuts = sorted(rng.sample(range(first + 6, now - 3), k=jobs - 1)) if jobs > 1 else []
    starts = [first, *[c + 1 for c in cuts]]
    ends = [*cuts, None]
    companies = rng.sample(ZH_COMPANIES if lang == "zh" else EN_COMPANIES, k=jobs)
    experience = []
    for n, (begin, finish) in enumerate(zip(starts, ends, strict=True)):
        title = zh_title if lang == "zh" else en_title
        if n and n == jobs - 1:
            title = ("高级" if lang == "zh" else "Senior ") + title
        experience.append(
            {
                "company": companies[n],
                "title": title,
                "start": f"{begin // 12}-{begin % 12 + 1:02d}",
                "end": f"{finish // 12}-{finish % 12 + 1:02d}" if finish is not None else "",
            }
        )
    experience.reverse()
    years = today.year - graduated - (1 if today.month < 7 else 0)
    fake_name = (
        rng.choice("王李张刘陈杨赵黄周吴")
        + rng.choice(["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳"])
        if lang == "zh"
        else f"{rng.choice(['Li', 'Wang', 'Zhang', 'Chen'])} {rng.choice(['Wei', 'Fang', 'Lei', 'Min'])}"
    )
    handle = rng.choice(["wei", "fang", "lei", "min", "jing", "yang"]) + str(rng.randint(10, 99))
    return Person(
        lang=lang,
        name=fake_name,
        phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
        email=f"{handle}@{rng.choice(['example.com', 'mail.example.cn', 'qq.example.com'])}",
        city="武汉" if lang == "zh" else "Wuhan",
        title=zh_title if lang == "zh" else en_title,
        salary=(int(low), int(high)),
        skills=skills,
        education=education,
        experience=experience,
        years=max(years, 0),
        level=level,
    )


# --- rendering: each function returns the résumé as (left, right) column lines -------------


def zh_date(value: str, style: int) -> str:
    if not value:
        return "至今"
    year, month = value.split("-")
    return [f"{year}.{month}", f"{year}-{month}", f"{year}年{int(month)}月", f"{year}/{month}"][
        style
    ]


def en_date(value: str, style: int) -> str:
    if not value:
        return "Present"
    year, month = value.split("-")
    return [f"{MONTHS_EN[int(month) - 1]} {year}", f"{year}-{month}", f"{month}/{year}"][style % 3]


def zh_salary(low: int, high: int, style: int) -> str:
    return [
        f"{low // 1000}K-{high // 1000}K",
        f"{low}-{high}元/月",
        f"{low / 10000:g}万-{high / 10000:g}万/月",
    ][style % 3]


def en_salary(low: int, high: int, style: int) -> str:
    return [f"¥{low:,}–{high:,} per month", f"{low // 1000}k-{high // 1000}k RMB/month"][style % 2]


def zh_lines(p: Person, style: int) -> tuple[list[str], list[str]]:
    sep = ["  |  ", "   ", " · "][style % 3]
    header = [
        p.name,
        sep.join(
            [
                f"求职意向：{p.title}",
                f"期望薪资：{zh_salary(*p.salary, style)}",
                f"期望城市：{p.city}",
            ]
        ),
    ]
    contact = [f"电话：{p.phone[:3]} {p.phone[3:7]} {p.phone[7:]}", f"邮箱：{p.email}"]
    facts = [f"工作经验：{p.years}年", f"最高学历：{DEGREES[p.level][0]}"]
    work = ["工作经历"]
    for e in p.experience:
        dates = f"{zh_date(e['start'], style % 4)} - {zh_date(e['end'], style % 4)}"
        if style % 2:
            work.append(sep.join([dates, e["company"], e["title"]]))
        else:
            work += [sep.join([e["company"], dates]), f"职位：{e['title']}"]
        work.append("负责日常工作，参与团队项目，按时完成目标。")
    school = ["教育背景"]
    for e in p.education:
        dates = f"{zh_date(e['start'], style % 4)} - {zh_date(e['end'], style % 4)}"
        school.append(sep.join([dates, e["school"], e["major"], DEGREES[e["degree"]][0]]))
    skills = ["专业技能", "、".join(skill_names(p.skills, "zh"))]
    if style % 3 == 2:  # two columns: contacts, facts and skills in a sidebar
        return header[:1] + contact + facts + skills, header[1:] + work + school
    return header + [sep.join(contact), sep.join(facts)] + work + school + skills, []


def en_lines(p: Person, style: int) -> tuple[list[str], list[str]]:
    sep = [" | ", "  ·  ", "   "][style % 3]
    header = [
        p.name,
        sep.join(
            [
                f"Objective: {p.title}",
                f"Expected salary: {en_salary(*p.salary, style)}",
                f"Location: {p.city}",
            ]
        ),
    ]
    contact = [f"Phone: +86 {p.phone}", f"Email: {p.email}"]
    facts = [f"Experience: {p.years} years", f"Education: {DEGREES[p.level][1]}"]
    work = ["WORK EXPERIENCE"]
    for e in p.experience:
        dates = f"{en_date(e['start'], style)} – {en_date(e['end'], style)}"
        if style % 2:
            work.append(f"{e['title']}, {e['company']}{sep}{dates}")
        else:
            work += [f"{e['company']}{sep}{dates}", f"Position: {e['title']}"]
        work.append("Handled daily operations and delivered team projects on time.")
    school = ["EDUCATION"]
    for e in p.education:
        dates = f"{en_date(e['start'], style)} – {en_date(e['end'], style)}"
        school.append(sep.join([e["school"], f"{DEGREES[e['degree']][1]} in {e['major']}", dates]))
    skills = ["SKILLS", ", ".join(skill_names(p.skills, "en"))]
    if style % 3 == 2:
        return header[:1] + contact + facts + skills, header[1:] + work + school
    return header + [sep.join(contact), sep.join(facts)] + work + school + skills, []


# --- writing ------------------------------------------------------------------------------


def write_pdf(
    path: Path, left: list[str], right: list[str], cjk: bool, row_by_row: bool = False
) -> None:
    """One or two columns. ROW_BY_ROW writes each line of the left column just before the
    right column's line at the same height, as many layout programs do: the text layer then
    reads "电话：138… 求职意向：…" as one line, which the parser must pull apart."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    if cjk:
        font = "STSong-Light"
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(font))
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=True)  # invariant: same bytes each run
    width, height = A4
    columns = [(40, left), (220, right)] if right else [(48, left)]
    placed = [
        (row, x, line) for x, lines in columns for row, line in enumerate(lines)
    ]  # column by column
    if row_by_row:
        placed.sort(key=lambda item: item[0])
    for row, x, line in placed:
        pdf.setFont(font, 15 if row == 0 and x < 100 else 10)
        pdf.drawString(x, height - 56 - 18 * row, line)
    pdf.save()


def write_docx(path: Path, left: list[str], right: list[str]) -> None:
    import docx

    document = docx.Document()
    if right:
        table = document.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    else:
        for line in left:
            document.add_paragraph(line)
    document.save(str(path))


def skill_names(names: list[str], lang: str) -> list[str]:
    """The vocabulary's name of each skill in LANG (the parser answers in Chinese names)."""
    from matching.skills import vocabulary

    vocab = vocabulary()
    return [vocab.display(next(iter(sorted(vocab.extract(n))), n), lang) for n in names]


def expected_fields(p: Person) -> dict:
    return {
        "headline": p.title,
        "email": p.email,
        "phone": p.phone,
        "expected_salary_min": p.salary[0],
        "expected_salary_max": p.salary[1],
        "years_experience": p.years,
        "education_level": p.level,
        "skills": skill_names(p.skills, "zh"),
        "education": p.education,
        "experience": p.experience,
    }


def generate(out: Path, count: int = 32, seed: int = 14, today: date | None = None) -> list[Sample]:
    """Write COUNT résumés under OUT (every template × format × language in turn)."""
    rng = random.Random(seed)
    today = today or date.today()
    out.mkdir(parents=True, exist_ok=True)
    samples = []
    for n in range(count):
        lang = "zh" if n % 2 == 0 else "en"
        kind = "pdf" if (n // 2) % 2 == 0 else "docx"
        style = (n // 4) % 6
        p = person(rng, lang, today)
        left, right = (zh_lines if lang == "zh" else en_lines)(p, style)
        tags = [lang, kind, "two-column" if right else "one-column"]
        if right and kind == "pdf" and style == 5:
            tags.append("interleaved")
        if lang == "zh" and kind == "pdf" and n % 8 == 0:
            # As many real PDFs extract: radicals for common ideographs (NFKC undoes them).
            table = str.maketrans(RADICALS)
            left = [line.translate(table) for line in left]
            right = [line.translate(table) for line in right]
            tags.append("radicals")
        path = out / f"resume-{n:02d}-{lang}-{tags[2]}.{kind}"
        if kind == "pdf":
            write_pdf(path, left, right, cjk=lang == "zh", row_by_row=style == 5)
        else:
            write_docx(path, left, right)
        samples.append(
            Sample(
                path.name, PDF if kind == "pdf" else DOCX, path, expected_fields(p), tags[2], tags
            )
        )
    return samples
