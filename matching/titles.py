"""Job-title normalisation: what a title says about the occupation, without the noise that
job boards wrap around it ("深圳某某有限公司招聘蛋糕/裱花师（包吃住）8-10K", "Senior Java
Developer - London, £60k").

Stripped, in order: bracketed asides, the company part up to "招聘/诚聘", salary and benefit
phrases, place names (province/city/county names from `regions.tsv` that stand as words of
their own, not 资源 in 人力资源; English "- City" suffixes), seniority and urgency words.
What is left is the occupation phrase. When stripping would leave nothing, the normalised
original is kept, so a title is never lost.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import accumulate

import rjieba

from .text import normalize

_BRACKETS = re.compile(r"[（(\[{<][^）)\]}>]*(?:[）)\]}>]|$)")  # or unclosed, to the end
_EMPHASIS = re.compile(r"[【「『《》』」】]")
_COMPANY = re.compile(
    r"^.+?(?:急招|诚聘|高薪招聘|招聘)(?=.)(?!专员|主管|助理|顾问|总监|负责人|实习|bp)"
)
"""The company part before 招聘; not when 招聘 is the job itself ("资深招聘专员", a recruiter;
"招聘经理" stays ambiguous: a company hiring a manager is the commoner reading)."""
_SALARY = re.compile(
    r"(?:年薪|月薪|底薪|无责底薪|无责|薪资|工资|月入|日结|周结)?\s*"
    r"\d+(?:\.\d+)?\s*(?:[-~至到]\s*\d+(?:\.\d+)?)?\s*(?:k|w|千|万|元|/月|/天|/时|起)+"
    r"|[£$€¥]\s*\d[\d,.]*\s*k?(?:\s*[-–]\s*[£$€¥]?\s*\d[\d,.]*\s*k?)?"
    r"|\d+(?:\.\d+)?\s*k(?![a-z])"
    r"|(?:年薪|月薪|底薪|无责底薪|无责|薪资|工资|月入|签约)\s*(?:\d+(?:\.\d+)?\s*[-~至到]?\s*)+|月入过万|过万|上万"
)
_BENEFITS = re.compile(
    r"五险一金|五险|六险|社保|包吃住|包住宿|包吃|包住|提供住宿|双休|单休|周末双休|高提成|提成|"
    r"年终奖|带薪年假|可居家|居家办公|长白班|白班|夜班|两班倒|急聘|急招|直招|诚聘|高薪|"
    r"名额有限|接受实习|可实习|应届生?|实习生|兼职|全职|月休\d+天|早[八九\d]晚[五六\d]|朝九晚五|不加班|不外出|"
    r"氛围好|无经验可|可无经验|小白可|优先|"
    r"\b(?:remote|hybrid|full[- ]time|part[- ]time|contract|temporary|permanent|"
    r"immediate start|urgent|m/f/d|f/m/d|m/w/d|w/m/d|x/f/m)\b"
)
_SENIORITY = re.compile(
    r"^(?:高级|资深|初级|中级|中高级|助理(?=.{3})|见习|实习|储备|首席|特级|一级|二级|三级)+"
    r"|\b(?:senior|snr|sr|junior|jnr|jr|principal|lead|head of|chief|associate|assistant|"
    r"trainee|graduate|entry[- ]level|experienced|mid[- ]level|staff|intern|apprentice|"
    r"i{1,3}|iv|level \d)\b\.?"
)
_EN_PLACE = re.compile(r"\s[-–|@,]\s*[A-Z][\w .'-]*$|\s(?:in|at)\s[A-Z][\w .'-]*$")
_PUNCT = re.compile(r"[\s,，.。、;；:：!！?？+＋|/\\~～*#\-–—_·•]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern, frozenset[str]]:
    """The place-name pattern (longest first), and the county names without their suffix that
    are no other place's name (资源 of 资源县, not 吉林)."""
    from .regions import _names

    full, shorts, counties = set(), set(), set()
    for code, (zh, _en) in _names().items():
        full.add(zh)
        for suffix in ("市", "省", "区", "县", "自治州", "自治区", "特别行政区"):
            if zh.endswith(suffix) and len(zh) - len(suffix) >= 2:
                (shorts if code.endswith("00") else counties).add(zh[: -len(suffix)])
                break
    names = sorted((n for n in full | shorts | counties if len(n) >= 2), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))), frozenset(counties - shorts - full)


@lru_cache(maxsize=1)
def _occupation_texts() -> str:
    from .occupations import occupations

    return normalize(
        " ".join(
            f"{o.name} {' '.join(o.aliases)} {o.definition} {o.tasks}"
            for o in occupations().values()
        )
    )


@lru_cache(maxsize=4096)
def _ordinary_word(county: str) -> bool:
    """Is this county name also a word of the occupations' own texts (资源, 合作, 港口, 公安,
    康乐: 51 of 2,568)? Asked per name met, as a scan of the texts takes ~0.4 ms and all
    names at once ~1 s."""
    return county in _occupation_texts()


def _strip_places(text: str) -> str:
    """`text` without the place names that stand as words of their own: "深圳宝安沙井普工" loses
    深圳宝安, "人力资源专员" and "三明治制作" keep theirs (资源县, 三明市). A run of names is
    cut (with a town after it: 长安镇) when it starts and ends on the segmenter's word
    boundaries; a county's name that is also an ordinary word only with its suffix or in a
    run ("港口装卸工" keeps 港口)."""
    pattern, counties = _places()
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not spans:
        return text
    bounds = {0, *accumulate(map(len, rjieba.cut(text)))}  # the segmenter's word boundaries
    runs: list[tuple[int, int, int]] = []  # (start, end, how many names)
    for s, e in spans:
        if runs and runs[-1][1] == s:
            start, _, n = runs.pop()
            runs.append((start, e, n + 1))
        else:
            runs.append((s, e, 1))
    out, last = [], 0
    for s, e, n in runs:
        town = next((t for t in ("街道", "镇", "乡") if text.startswith(t, e)), "")
        if town and e + len(town) in bounds:
            e += len(town)
        if s not in bounds or e not in bounds:
            continue
        if n == 1 and text[s:e] in counties and _ordinary_word(text[s:e]):
            continue
        out += [text[last:s], " "]
        last = e
    out.append(text[last:])
    stripped = "".join(out)
    return stripped if _PUNCT.sub("", stripped) else text


def _strip(pattern: re.Pattern, text: str) -> str:
    out = pattern.sub(" ", text)
    return out if _PUNCT.sub("", out) else text


@lru_cache(maxsize=16384)
def clean_title(title: str | None) -> str:
    """The occupation phrase of a job title (normalised: NFKC, lower case, simplified).
    Kept per process: every ranking cleans its whole pool's titles again."""
    if not title:
        return ""
    if _CJK.search(title):
        t = _strip(_BRACKETS, _EMPHASIS.sub(" ", normalize(title)))
        t = _strip(_COMPANY, t)
        t = _strip_places(t)
        t = _strip(_SALARY, t)
    else:  # place suffixes are found by their capital letter, before lower-casing
        t = _strip(_SALARY, _strip(_BRACKETS, unicodedata.normalize("NFKC", title)))
        t = normalize(_strip(_EN_PLACE, t.strip(" ,")))
    t = _strip(_BENEFITS, t)
    t = _strip(_SENIORITY, t.strip())
    t = _PUNCT.sub(" ", t).strip()
    return t or normalize(title).strip()
