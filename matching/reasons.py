"""Plain-language reasons, rendered in Chinese or English.

A Reason stores a template code and its parameters, not a sentence, so the app can render it
in the reader's language (`reason.text("zh")`) and store or compare reasons structurally.
List parameters are rendered with the language's separator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

VERSION = 2
"""What reasons say for a given job and résumé: raise it when a change here or in
`matching.explain` changes their codes or parameters (which skills a reason counts and names),
so reasons stored before it are computed again (the app's recommendation lists). A change of
wording alone needs none: stored reasons are codes, written out in sentences when read."""


class Plural(NamedTuple):
    """An English sentence said one way when the parameter COUNT is 1 (a number, or a list of
    one) and another otherwise (Chinese needs no second form)."""

    count: str
    one: str
    other: str


TEMPLATES: dict[str, tuple[str, str | Plural]] = {
    "skills_overlap": (
        "具备岗位要求的{n}项技能中的{k}项：{skills}",
        "Has {k} of {n} required skills: {skills}",
    ),
    "skills_all": (
        "具备岗位要求的全部{n}项技能：{skills}",
        Plural("n", "Has the required skill: {skills}", "Has all {n} required skills: {skills}"),
    ),
    "skills_related": (
        "具备相关技能：{skills}",
        Plural("skills", "Has a related skill: {skills}", "Has related skills: {skills}"),
    ),
    "skills_missing": (
        "缺少技能：{skills}",
        Plural("skills", "Missing skill: {skills}", "Missing skills: {skills}"),
    ),
    "title_similar": ("职位经历与岗位相近：{title}", "Similar role: {title}"),
    "text_similar": ("简历内容与岗位描述高度相关", "Résumé closely matches the job description"),
    "same_occupation": ("职业相同：{occupation}", "Same occupation: {occupation}"),
    "related_occupation": ("职业相近：{occupation}", "Related occupation: {occupation}"),
    "same_county": ("与岗位同在{place}", "Lives in the same district as the job ({place})"),
    "same_city": ("与岗位同城：{place}", "Lives in the same city as the job ({place})"),
    "same_province": ("与岗位同省：{place}", "Lives in the same province as the job ({place})"),
    "cooperation": (
        "来自该雇主劳务协作计划的合作地区",
        "In a partner region of this employer's labor-cooperation programme",
    ),
    "relocate": ("愿意异地就业", "Willing to relocate"),
    "remote": ("岗位支持远程办公", "The job can be done remotely"),
    "far_away": (
        "不在岗位所在地区，且未表示愿意异地就业",
        "Lives elsewhere and has not said they would relocate",
    ),
    "salary_fit": ("期望薪资在岗位薪资范围内", "Expected salary is within the offered range"),
    "salary_above": (
        "期望薪资高于岗位上限{pct}%",
        "Expected salary is {pct}% above the offered maximum",
    ),
    "experience_ok": (
        "{years}年工作经验，满足{required}年要求",
        Plural(
            "years",
            "{years} year of experience, meets the {required}-year requirement",
            "{years} years of experience, meets the {required}-year requirement",
        ),
    ),
    "experience_short": (
        "{years}年工作经验，岗位要求{required}年",
        Plural(
            "years",
            "{years} year of experience; the job asks for {required}",
            "{years} years of experience; the job asks for {required}",
        ),
    ),
    "education_ok": ("学历符合要求", "Meets the education requirement"),
    "education_short": ("学历低于岗位要求", "Education below the job's requirement"),
    "available_now": ("可立即到岗", "Available now"),
    "available_in": (
        "{days}天后可到岗",
        Plural("days", "Available in {days} day", "Available in {days} days"),
    ),
    "fresh_posting": (
        "{days}天内发布的新岗位",
        Plural("days", "Posted within the last day", "Posted within the last {days} days"),
    ),
    "responsive_employer": ("雇主回复率{pct}%", "Employer answers {pct}% of applications"),
}


ABOUT_THE_JOB = frozenset({"fresh_posting", "responsive_employer"})
"""Reasons that speak of the posting or its employer, not of the candidate: they help a
candidate choose a job and tell an employer reading about a candidate nothing."""

READERS = ("candidate", "employer")
"""Who reads a match's reasons: the candidate (jobs for them) or the employer (people for a
job); see :func:`shown_to`."""


def shown_to(reader: str, code: str) -> bool:
    """Whether READER is shown a reason with CODE: an employer sees only the candidate's side."""
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}")
    return reader == "candidate" or code not in ABOUT_THE_JOB


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict)
    feature: str = ""
    positive: bool = True

    def text(self, lang: str = "zh") -> str:
        zh, en = TEMPLATES[self.code]
        is_zh = lang.lower().startswith("zh")
        sep = "、" if is_zh else ", "
        params = {}
        for k, v in self.params.items():
            if isinstance(v, dict):  # {"zh": ..., "en": ...}
                v = v["zh" if is_zh else "en"]
            if isinstance(v, list | tuple):
                v = sep.join(str(x) for x in v)
            params[k] = v
        if is_zh:
            return zh.format(**params)
        if isinstance(en, Plural):
            en = en.one if _count(self.params[en.count]) == 1 else en.other
        return en.format(**params)

    def __hash__(self):
        return hash((self.code, repr(sorted(self.params.items()))))


def _count(value) -> float:
    """How many a parameter says: a number, or the length of a list (English's list when the
    parameter is given per language)."""
    if isinstance(value, dict):
        value = value["en"]
    return len(value) if isinstance(value, list | tuple) else float(value)
