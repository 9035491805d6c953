"""Skills people type that the vocabulary (`matching/data/skills.tsv`) does not know: what to
add to it next. Such a skill still matches by its exact normalised text, but gets no synonyms,
no related skills and no name in the other language."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Job, Resume
from matching.skills import vocabulary


@dataclass(frozen=True)
class UnknownSkill:
    skill: str  # the most common spelling
    jobs: int  # jobs listing it (any status)
    resumes: int  # résumés listing it
    spellings: int  # distinct spellings that normalise to it

    def as_dict(self) -> dict:
        return asdict(self)


def unknown_skills(limit: int = 50) -> list[UnknownSkill]:
    """The LIMIT unknown skills listed by the most jobs and résumés together."""
    voc = vocabulary()
    lists = {"jobs": Counter(), "resumes": Counter()}
    spellings: dict[str, Counter] = {}
    for kind, column in (("jobs", Job.skills), ("resumes", Resume.skills)):
        rows = db.session.execute(sa.select(column).execution_options(yield_per=1000)).scalars()
        for listed in rows:
            seen = set()
            for typed in listed or ():
                skill = voc.canonical(typed)
                if skill and skill not in voc.skills:
                    seen.add(skill)
                    spellings.setdefault(skill, Counter())[typed.strip()] += 1
            lists[kind].update(seen)
    found = [
        UnknownSkill(
            skill=spelled.most_common(1)[0][0],
            jobs=lists["jobs"][skill],
            resumes=lists["resumes"][skill],
            spellings=len(spelled),
        )
        for skill, spelled in spellings.items()
    ]
    found.sort(key=lambda u: (-(u.jobs + u.resumes), -u.jobs, u.skill))
    return found[:limit]
