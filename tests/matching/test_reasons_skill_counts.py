"""A skills reason says as many skills as it counts, in Chinese and in English: two skills the
job lists may be one skill in English (电工证 and 低压电工 are both "Electrician", ISO9001 and
质量检验 both quality control), so each language counts the skills as it names them. A skill
the employer typed in English is named as typed ("Forklift"), not by the vocabulary."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import CandidateProfile, JobProfile, MatchContext, score
from matching.skills import vocabulary

from .conftest import NOW

CTX = MatchContext(now=NOW, use_embeddings=False)
SAID = {
    "zh": (
        re.compile(r"具备岗位要求的全部(?P<n>\d+)项技能：(?P<names>.+)"),
        re.compile(r"具备岗位要求的(?P<n>\d+)项技能中的(?P<k>\d+)项：(?P<names>.+)"),
        re.compile(r"缺少技能：(?P<names>.+)"),
        "、",
    ),
    "en": (
        re.compile(r"Has (?:all (?P<n>\d+) required skills|the required skill): (?P<names>.+)"),
        re.compile(r"Has (?P<k>\d+) of (?P<n>\d+) required skills: (?P<names>.+)"),
        re.compile(r"Missing skills?: (?P<names>.+)"),
        ", ",
    ),
}


def skill_sentences(job_skills: list[str], held: list[str], lang: str) -> list[str]:
    job = JobProfile("j", title="岗位", skills=job_skills)
    candidate = CandidateProfile("c", headline="求职者", skills=held)
    return [
        reason.text(lang)
        for reason in score(job, candidate, CTX).reasons
        if reason.code in ("skills_all", "skills_overlap", "skills_missing")
    ]


def counts(sentences: list[str], lang: str) -> tuple[int, list[str], list[str]]:
    """(the N of "N required skills", the names said as held, the names said as missing)."""
    every, some, lacking, sep = SAID[lang]
    total, held, missing = None, [], []
    for sentence in sentences:
        if found := every.fullmatch(sentence):
            total, held = int(found["n"] or 1), found["names"].split(sep)
        elif found := some.fullmatch(sentence):
            total, held = int(found["n"]), found["names"].split(sep)
            assert int(found["k"]) == len(held), sentence
        elif found := lacking.fullmatch(sentence):
            missing = found["names"].split(sep)
    return total, held, missing


def test_an_electrician_job_counts_what_each_language_names():
    listed = ["PLC", "电工证", "低压电工", "设备维修"]
    assert skill_sentences(listed, ["PLC", "电工", "设备维修"], "zh") == [
        "具备岗位要求的全部4项技能：PLC、电工证、低压电工、设备维修"
    ]
    assert skill_sentences(listed, ["PLC", "电工", "设备维修"], "en") == [
        "Has all 3 required skills: PLC, Electrician, Equipment maintenance"
    ]
    assert skill_sentences(listed, ["电工", "设备维修"], "zh")[0] == (
        "具备岗位要求的4项技能中的3项：电工证、低压电工、设备维修"
    )
    assert skill_sentences(listed, ["电工", "设备维修"], "en")[0] == (
        "Has 2 of 3 required skills: Electrician, Equipment maintenance"
    )


def test_an_inspection_job_adds_up_in_both_languages():
    listed = ["Excel", "测量工具", "ISO9001", "质量检验"]
    zh = skill_sentences(listed, ["Excel"], "zh")
    en = skill_sentences(listed, ["Excel"], "en")
    assert zh == ["具备岗位要求的4项技能中的1项：Excel", "缺少技能：测量工具、ISO9001、质量检验"]
    # ISO9001 was typed in English and is said so; 质量检验 is the vocabulary's quality control
    assert en == [
        "Has 1 of 4 required skills: Excel",
        "Missing skills: 测量工具, ISO9001, Quality control",
    ]


def test_an_english_skill_is_named_as_the_employer_typed_it():
    assert skill_sentences(["Forklift", "仓储"], ["叉车"], "en") == [
        "Has 1 of 2 required skills: Forklift",
        "Missing skill: Warehousing",
    ]
    assert skill_sentences(["Forklift", "叉车证"], ["叉车"], "en") == [
        "Has all 2 required skills: Forklift, Forklift operation"
    ]


VOCABULARY_NAMES = sorted(
    {name for skill in vocabulary().skills.values() for name in (skill.zh, skill.en)}
    | set(vocabulary().aliases)
    | {"测量工具", "Haskell", "haskell"}
)


@settings(max_examples=150, deadline=None)
@given(
    listed=st.lists(st.sampled_from(VOCABULARY_NAMES), min_size=1, max_size=8),
    held=st.lists(st.sampled_from(VOCABULARY_NAMES), max_size=8),
)
def test_the_count_is_always_the_names_given(listed, held):
    for lang in ("zh", "en"):
        total, said_held, said_missing = counts(skill_sentences(listed, held, lang), lang)
        if total is None:  # nothing held: no count, at most a list of what is missing
            continue
        names = said_held + said_missing
        assert len(set(names)) == len(names), (lang, names)
        if said_missing:  # "Missing" is said only when the fit is poor; it then completes it
            assert total == len(names), (lang, listed, held, names)
        else:
            assert total >= len(said_held), (lang, listed, held)
