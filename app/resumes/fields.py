"""Draft résumé fields from a résumé's plain text (what app.resumes.parsing reads from a file).

Best guesses, never facts: the candidate confirms or corrects each one. The text is first
NFKC-normalised, because many PDFs extract CJK compatibility characters (⼯ U+2F2F, ⽉ U+2F49,
full-width letters) that look right but match nothing.

A line is read as labelled values ("求职意向：Java开发 | 期望薪资：15K-20K | 期望城市：武汉"): the
value of a label ends where the next label starts, so a job title never swallows the salary
and place after it. Entries are found by their date range (2019.07 - 至今, Jul 2019 – Present,
2019年7月-2021年3月); the section they are in (工作经历 / EDUCATION ...) says whether a line is a
job or a school, and without headings the words decide (大学, 有限公司, University, Ltd).
Within a job line, the part that names an organisation is the company and the rest the title.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from matching.skills import vocabulary

MAX_ENTRIES = 10
MAX_LABEL = 120

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")

MONTHS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _date(tag: str) -> str:
    """A start or end date: Jul 2019, 07/2019, 2019.07, 2019-7, 2019年7月, 2019."""
    return (
        rf"(?:(?P<{tag}mon>{'|'.join(MONTHS)})[a-z]*\.?\s*(?P<{tag}y1>(?:19|20)\d{{2}})"
        rf"|(?P<{tag}m2>\d{{1,2}})\s*/\s*(?P<{tag}y2>(?:19|20)\d{{2}})"
        rf"|(?P<{tag}y3>(?:19|20)\d{{2}})(?:\s*[./\-年]\s*(?P<{tag}m3>\d{{1,2}})(?!\d)\s*月?)?)"
    )


ONGOING = r"(?P<now>至今|今|现在|目前|present|now|current|today)"
DATE_RANGE = re.compile(
    _date("s") + r"\s*(?:-|–|—|~|～|至|到|to)\s*(?:" + _date("e") + "|" + ONGOING + ")",
    re.IGNORECASE,
)

SEPARATORS = re.compile(r"\s*(?:\||｜|·|•|\t|\s{2,})\s*")

LABELS = {
    "headline": r"求职意向|应聘职位|应聘岗位|意向岗位|意向职位|期望职位|期望岗位|目标职位|求职岗位"
    r"|objective|position sought|desired position|target position|job objective",
    "salary": r"期望薪资|期望月薪|期望薪酬|薪资要求|期望工资|薪资期望|expected salary|desired salary"
    r"|salary expectation|salary",
    "location": r"期望城市|期望地点|期望工作地点|工作地点|意向城市|所在城市|现居住地|现居|居住地"
    r"|preferred location|location|city",
    "years": r"工作经验|工作年限|从业年限|years of experience|work experience|experience",
    "level": r"最高学历|学历|education level|highest education|education|degree",
    "title": r"职位|职务|岗位|担任|position|job title|title|role",
    "company": r"公司名称|公司|单位|employer|company",
    "major": r"专业|major",
    "email": r"邮箱|电子邮件|e-?mail",
    "phone": r"电话|手机|联系电话|mobile|phone|tel",
    "name": r"姓名|name",
}
LABEL = re.compile(
    r"(?:^|(?<=[\s|·•]))(?:"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in LABELS.items())
    + r")\s*:\s*",
    re.IGNORECASE,
)

SECTIONS = {
    "experience": r"工作经历|工作经验|实习经历|工作履历|职业经历|work experience|professional experience"
    r"|employment history|employment|experience|work history",
    "education": r"教育背景|教育经历|学习经历|education|academic background",
    "skills": r"专业技能|技能特长|技能|技能证书|skills|technical skills|skills and tools",
    "other": r"自我评价|项目经历|项目经验|证书|荣誉|个人信息|基本信息|联系方式|培训经历|语言能力"
    r"|兴趣爱好|获奖情况|校园经历|社会实践|个人优势|求职意向|summary|profile|projects|certificates"
    r"|awards|contact|personal information|languages|interests|training|hobbies",
}
ANY_SECTION = "|".join(SECTIONS.values())
# Templates dress headings up: "【教育经历】", "■ 工作经历", "教育经历 / EDUCATION".
DECORATION = r"[\s【】〔〕\[\]<>《》■□●○◆◇▶►▌|/·•_=*#:-]*"
SECTION = {
    key: re.compile(
        rf"^{DECORATION}(?:{pattern})(?:{DECORATION}(?:{ANY_SECTION}))?{DECORATION}$",
        re.IGNORECASE,
    )
    for key, pattern in SECTIONS.items()
}
HEADING_BEFORE_VALUE = re.compile(rf"^{DECORATION}(?:{ANY_SECTION})\s*:", re.IGNORECASE)

SCHOOL = re.compile(
    r"大学|学院|学校|中学|中专|技校|university|college|institute|school|academy", re.IGNORECASE
)
COMPANY = re.compile(
    r"公司|集团|有限|工厂|厂$|酒店|医院|银行|事务所|研究院|中心$|商行|门店|超市"
    r"|\b(?:co\.?|ltd\.?|inc\.?|corp\.?|corporation|company|group|llc|gmbh|plc|hospital|bank"
    r"|factory|hotel|studio|technologies|limited)\b",
    re.IGNORECASE,
)
# "武汉光谷科技有限公司高级工程师": the company ends at its legal suffix, the title follows.
COMPANY_THEN_TITLE = re.compile(
    r"^(?P<company>.{2,60}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|医院|酒店|工厂|银行))"
    r"\s*(?P<title>[^\s].{0,40})$"
)
DEGREES = [
    ("doctorate", re.compile(r"博士|ph\.?\s?d|doctor(?:ate)?", re.IGNORECASE)),
    ("master", re.compile(r"硕士|研究生|master(?:'s)?|mba|m\.sc|msc", re.IGNORECASE)),
    ("bachelor", re.compile(r"本科|学士|bachelor(?:'s)?|b\.sc|bsc|b\.a\.|b\.eng", re.IGNORECASE)),
    ("associate", re.compile(r"大专|专科|高职|associate(?:'s)?(?: degree)?", re.IGNORECASE)),
    ("vocational", re.compile(r"中专|技校|职高|中职|vocational", re.IGNORECASE)),
    ("high_school", re.compile(r"高中|high school", re.IGNORECASE)),
]
LEVEL_RANK = ["high_school", "vocational", "associate", "bachelor", "master", "doctorate"]
DEGREE_WITH_MAJOR = re.compile(
    r"^(?P<degree>.*?(?:degree|bachelor(?:'s)?|master(?:'s)?|associate(?:'s)?|doctorate|ph\.?d|diploma))"
    r"\s+(?:of|in)\s+(?P<major>.+)$",
    re.IGNORECASE,
)
ENGLISH_AT = re.compile(r"^(?P<title>.+?)\s+(?:at|@)\s+(?P<company>.+)$", re.IGNORECASE)

SALARY_RANGE = re.compile(
    r"(?P<low>\d+(?:[.,]\d+)*)\s*(?P<low_unit>k|千|w|万)?\s*(?:元|rmb|cny|yuan)?\s*"
    r"(?:-|–|—|~|～|至|到|to)\s*[¥￥]?\s*(?P<high>\d+(?:[.,]\d+)*)\s*(?P<high_unit>k|千|w|万)?",
    re.IGNORECASE,
)
SALARY_ONE = re.compile(r"(?P<low>\d+(?:[.,]\d+)*)\s*(?P<low_unit>k|千|w|万)?", re.IGNORECASE)
YEARLY = re.compile(r"年薪|per year|a year|annual|/\s*year|/\s*年", re.IGNORECASE)
YEARS = re.compile(r"(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:年|years?|yrs?)", re.IGNORECASE)
# Said without a label: "5年工作经验", "3年以上经验", "8+ years of experience".
YEARS_PHRASE = re.compile(
    r"(\d{1,2})\s*(?:\+\s*)?(?:年以上|年)\s*(?:的)?(?:工作|从业|相关)?经验"
    r"|(\d{1,2})\s*\+?\s*years?(?:'|’)?\s+(?:of\s+)?(?:work\s+|professional\s+)?experience",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[。；;!！]|\.$")


def extract_fields(text: str, today: date | None = None) -> dict:
    """Best guesses, never facts: the candidate confirms or corrects each one."""
    text = unicodedata.normalize("NFKC", text)
    # Runs of spaces are kept: two or more separate fields ("公司名称   职位").
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    labelled = labelled_values(lines)
    vocab = vocabulary()
    skills = sorted(vocab.display(skill, "zh") for skill in vocab.extract(skill_text(lines)))
    education, experience = entries(lines, today or date.today())
    email = EMAIL.search(text)
    phone = MOBILE.search(text)
    low, high = salary(labelled.get("salary", ""))
    level = degree_of(labelled.get("level", ""))
    if not level and education:
        ranks = [LEVEL_RANK.index(e["degree"]) for e in education if e["degree"] in LEVEL_RANK]
        level = LEVEL_RANK[max(ranks)] if ranks else ""
    headline = clean(labelled.get("headline", ""))
    if not headline and experience:
        headline = experience[0]["title"]  # the latest job's title
    for entry in education + experience:
        for key in ("title", "company", "description", "school", "major"):
            if isinstance(entry.get(key), str):
                entry[key] = chinese_punctuation(entry[key])
    headline = chinese_punctuation(headline)
    return {
        "headline": headline[:MAX_LABEL],
        "skills": skills[:30],
        "email": email.group(0).lower() if email else "",
        "phone": "".join(phone.groups()) if phone else "",
        "location": clean(labelled.get("location", ""))[:60],
        "expected_salary_min": low,
        "expected_salary_max": high,
        "years_experience": years_of(labelled.get("years", ""), text, experience, today),
        "education_level": level,
        "education": education,
        "experience": experience,
    }


HALF_WIDTH_AFTER_HAN = re.compile(r"(?<=[\u3400-\u9fff])([,:;!?])")
HAN_IN_PARENTHESES = re.compile(r"\(([^()]*[\u3400-\u9fff][^()]*)\)")
FULL_WIDTH = str.maketrans(",:;!?", "，：；！？")


def chinese_punctuation(value: str) -> str:
    """NFKC made Chinese punctuation ASCII ("负责开发,团队" , "普工(电子装配)"); a Chinese
    reader's own sentences get theirs back ("负责开发，团队", "普工（电子装配）")."""
    value = HALF_WIDTH_AFTER_HAN.sub(lambda m: m.group(1).translate(FULL_WIDTH), value)
    return HAN_IN_PARENTHESES.sub(r"（\1）", value)


def skill_text(lines: list[str]) -> str:
    """The text skills are read from. A heading or a label names what follows and is no skill
    of the candidate's: "培训经历" is not the skill 培训, nor "电子邮件：" the skill 电子."""
    kept = []
    for line in lines:
        if section_of(line):
            continue
        line = HEADING_BEFORE_VALUE.sub(" ", line)
        kept.append(LABEL.sub(" | ", line))
    return "\n".join(kept)


def clean(value: str) -> str:
    return value.strip(" |,，;；:：·-–—/")


def labelled_values(lines: list[str]) -> dict[str, str]:
    """The first value of each label, cut where the next label on the same line starts."""
    found: dict[str, str] = {}
    for line in lines[:120]:
        matches = list(LABEL.finditer(line))
        for n, match in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
            value = SEPARATORS.split(line[match.end() : end].strip())[0]
            key = match.lastgroup
            if key in {"years", "level"} and not value:
                continue
            if key == "years" and not YEARS.search(value):
                continue  # "Experience:" as a heading, or an entry
            found.setdefault(key, clean(value))
    return found


def salary(value: str) -> tuple[int | None, int | None]:
    """Monthly yuan from 15K-20K, 1.5万-2万/月, 15000-20000元, ¥15,000–20,000, 年薪20万."""
    if not value:
        return None, None
    match = SALARY_RANGE.search(value)
    if match:
        high_unit = match.group("high_unit")
        low = _amount(match.group("low"), match.group("low_unit") or high_unit)
        high = _amount(match.group("high"), high_unit)
    else:
        one = SALARY_ONE.search(value)
        if not one:
            return None, None
        low = high = _amount(one.group("low"), one.group("low_unit"))
    if YEARLY.search(value):
        low, high = round(low / 12, -2), round(high / 12, -2)
    if not (0 < low <= high <= 10_000_000):
        return None, None
    return int(low), int(high)


def _amount(number: str, unit: str | None) -> float:
    value = float(number.replace(",", ""))
    scale = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}.get((unit or "").lower(), 1)
    return value * scale


def degree_of(text: str) -> str:
    return next((name for name, pattern in DEGREES if pattern.search(text)), "")


def years_of(value: str, text: str, experience: list[dict], today: date | None) -> int | None:
    """Stated years ("工作经验：5年", "5年工作经验"), else the span from the first job to the
    last (or now)."""
    stated = YEARS.search(value)
    if stated:
        return int(float(stated.group(1)))
    phrase = YEARS_PHRASE.search(text)
    if phrase:
        return int(phrase.group(1) or phrase.group(2))
    starts = [e["start"] for e in experience if e["start"]]
    if not starts:
        return None
    today = today or date.today()
    first = min(starts)
    ends = [e["end"] or f"{today.year}-{today.month:02d}" for e in experience]
    last = max(ends)
    months = _months(last) - _months(first)
    return max(0, months // 12)


def _months(value: str) -> int:
    year, _, month = value.partition("-")
    return int(year) * 12 + (int(month) - 1 if month else 0)


# --- entries -------------------------------------------------------------------------------


def section_of(line: str) -> str | None:
    for key, pattern in SECTION.items():
        if pattern.match(line):
            return key
    return None


def entries(lines: list[str], today: date) -> tuple[list[dict], list[dict]]:
    """Education and work entries, each starting at a line with a date range."""
    education: list[dict] = []
    experience: list[dict] = []
    section = None
    current: dict | None = None
    previous = ""
    for line in lines:
        heading = section_of(line)
        if heading:
            section, current, previous = heading, None, ""
            continue
        span = DATE_RANGE.search(line) if len(line) <= 200 else None
        if span is None:
            if current is not None and current.get("kind") == "experience":
                follow_up(current["entry"], line)
            previous = line
            continue
        rest = clean(DATE_RANGE.sub(" | ", line, count=1))
        if not rest and previous and not DATE_RANGE.search(previous) and not LABEL.match(previous):
            rest = previous  # the dates on a line of their own, under the place
        kind = section if section in ("education", "experience") else guess_kind(rest)
        start, end = dates(span)
        if kind == "education" and len(education) < MAX_ENTRIES:
            education.append(school_entry(rest, start, end))
            current = {"kind": "education"}
        elif kind == "experience" and len(experience) < MAX_ENTRIES:
            entry = job_entry(rest, start, end, span, today)
            experience.append(entry)
            current = {"kind": "experience", "entry": entry}
        previous = line
    return education, experience


def guess_kind(text: str) -> str | None:
    if SCHOOL.search(text) or degree_of(text):
        return "education"
    if COMPANY.search(text) or text:
        return "experience"
    return None


def dates(span: re.Match) -> tuple[str, str]:
    start = _year_month(span, "s")
    end = "" if span.group("now") else _year_month(span, "e")
    return start, end


def _year_month(span: re.Match, tag: str) -> str:
    if span.group(f"{tag}y1"):
        year, month = span.group(f"{tag}y1"), MONTHS[span.group(f"{tag}mon").lower()[:3]]
    elif span.group(f"{tag}y2"):
        year, month = span.group(f"{tag}y2"), int(span.group(f"{tag}m2"))
    else:
        year, month = span.group(f"{tag}y3"), int(span.group(f"{tag}m3") or 0)
    return f"{year}-{month:02d}" if 1 <= month <= 12 else year


# One space between two Chinese words separates fields ("武汉大学 计算机科学与技术 本科");
# in English it is just a space.
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff)])\s(?=[\u4e00-\u9fff(])")


def parts(text: str) -> list[str]:
    pieces = SEPARATORS.split(text)
    return [clean(p) for piece in pieces for p in CJK_SPACE.split(piece) if clean(p)]


def school_entry(text: str, start: str, end: str) -> dict:
    school, degree, major = "", "", ""
    for part in parts(text):
        with_major = DEGREE_WITH_MAJOR.match(part)
        if with_major:
            written = with_major.group("degree")
            degree = degree or degree_of(written)
            major = major or with_major.group("major")
            if SCHOOL.search(written) and not school:
                # "Wuhan University Bachelor of Arts": the school, then the degree.
                word = dict(DEGREES)[degree].search(written) if degree else None
                school = clean(written[: word.start()]) if word else ""
        elif SCHOOL.search(part) and not school:
            school = part
        elif degree_of(part) and len(part) <= 20:
            degree = degree or degree_of(part)
        elif not major and LABEL.match(part) is None:
            major = part
    if school and not degree:
        # "Wuhan University Bachelor": the degree is written inside the school's part.
        degree = degree_of(school)
        if degree:
            pattern = dict(DEGREES)[degree]
            school = clean(pattern.sub("", school))
    return {
        "school": school[:MAX_LABEL],
        "degree": degree,
        "major": major[:MAX_LABEL],
        "start": start,
        "end": end,
    }


def job_entry(text: str, start: str, end: str, span: re.Match, today: date) -> dict:
    company, title = split_company_title(parts(text))
    years = None
    if start:
        finish = end or f"{today.year}-{today.month:02d}"
        years = max(0, (_months(finish) - _months(start)) // 12)
    return {
        "title": title[:MAX_LABEL],
        "company": company[:MAX_LABEL],
        "description": "",
        "start": start,
        "end": end,
        "years": years if years is not None and years <= 60 else None,
    }


def split_company_title(pieces: list[str]) -> tuple[str, str]:
    """The piece that names an organisation is the company; the others make the title."""
    company, titles = "", []
    for piece in pieces:
        labelled = LABEL.match(piece)
        if (labelled and labelled.lastgroup not in ("company", "title")) or EMAIL.search(piece):
            continue  # a contact or fact from the other column, not part of the job
        if labelled:
            value = clean(piece[labelled.end() :])
            if labelled.lastgroup == "company":
                company = company or value
            else:
                titles.append(value)
            continue
        if not company:
            found = _company_in(piece)
            if found:
                company, rest = found
                if rest:
                    titles.append(rest)
                continue
        titles.append(piece)
    return company, " ".join(titles)


def _company_in(piece: str) -> tuple[str, str] | None:
    """(company, the title written with it) when PIECE names an organisation."""
    at = ENGLISH_AT.match(piece)
    if at and COMPANY.search(at.group("company")):
        return at.group("company"), at.group("title")
    # "Senior Developer, Acme Co., Ltd.": split at the first comma that leaves a company after.
    for match in re.finditer(r",\s+", piece):
        head, tail = piece[: match.start()], piece[match.end() :]
        if COMPANY.search(tail) and not COMPANY.search(head):
            return tail, head
    glued = COMPANY_THEN_TITLE.match(piece)
    if glued and not COMPANY.search(glued.group("title")):
        return glued.group("company"), glued.group("title")
    if COMPANY.search(piece):
        return piece, ""
    return None


def follow_up(entry: dict, line: str) -> None:
    """A line under a job: its labelled title or company, or the first line of what was done.
    Other labelled lines (a sidebar's 邮箱：… read in between) belong to no job."""
    labelled = LABEL.match(line)
    if labelled and labelled.lastgroup not in ("title", "company"):
        return
    if labelled:
        value = clean(SEPARATORS.split(line[labelled.end() :])[0])
        key = labelled.lastgroup
        if not entry[key]:
            entry[key] = value[:MAX_LABEL]
        elif key == "title" and entry["title"] != value:
            entry["title"] = value[:MAX_LABEL]  # the labelled title beats a guess
        return
    if not entry["title"] and len(line) <= 30 and not SENTENCE_END.search(line):
        entry["title"] = line
        return
    if not entry["description"]:
        entry["description"] = line[:300]
