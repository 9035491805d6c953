"""Reasons as their reader sees them: an employer reading about a candidate is not told
facts about its own posting, and a skills reason counts and names the job's skills as the
job lists them (two spellings of one skill are two tags; in English, where both have the
vocabulary's one name, one skill), never claiming "all" while a listed skill is unmatched."""

from __future__ import annotations

import pytest

from matching import CandidateProfile, JobProfile, MatchContext, score
from matching.reasons import ABOUT_THE_JOB, TEMPLATES, shown_to


def test_employers_are_not_shown_reasons_about_the_job(ctx, java_job, java_candidate):
    codes = {r.code for r in score(java_job, java_candidate, ctx).reasons}
    assert {"fresh_posting", "responsive_employer"} <= codes  # the candidate's side has them
    assert {c for c in codes if shown_to("employer", c)} == codes - ABOUT_THE_JOB
    assert all(shown_to("candidate", c) for c in TEMPLATES)
    assert set(TEMPLATES) >= ABOUT_THE_JOB
    with pytest.raises(ValueError):
        shown_to("official", "fresh_posting")


def skills_reason(job_skills: list[str], held: list[str], ctx) -> tuple[str, str]:
    job = JobProfile("j", title="叉车司机", skills=job_skills)
    candidate = CandidateProfile("c", headline="叉车司机", skills=held)
    matched = [
        r
        for r in score(job, candidate, MatchContext(now=ctx.now, use_embeddings=False)).reasons
        if r.code in ("skills_all", "skills_overlap")
    ]
    (reason,) = matched
    return reason.text("zh"), reason.text("en")


def test_all_means_every_skill_the_job_lists(ctx):
    zh, en = skills_reason(["叉车", "叉车证", "仓储管理"], ["叉车证", "仓储管理"], ctx)
    assert zh == "具备岗位要求的全部3项技能：叉车、叉车证、仓储管理"
    assert en == "Has all 2 required skills: Forklift operation, 仓储管理"  # 叉车, 叉车证: one name


def test_a_listed_skill_the_candidate_lacks_is_counted(ctx):
    zh, en = skills_reason(["叉车证", "仓储管理", "装卸"], ["叉车", "仓储管理"], ctx)
    assert zh == "具备岗位要求的3项技能中的2项：叉车证、仓储管理"
    assert en == "Has 2 of 3 required skills: Forklift operation, 仓储管理"


def test_one_skill_typed_twice_alike_is_one_tag(ctx):
    zh, _en = skills_reason(["Haskell", "haskell", "叉车证"], ["haskell", "叉车"], ctx)
    assert zh == "具备岗位要求的全部2项技能：Haskell、叉车证"
