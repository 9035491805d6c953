"""What people did with matches, as graded training labels for the ranking model.

A signal source is a function returning `Outcome`s; `SOURCES` lists them and another feature
adds its own with `register` (the conversations feature registers "the candidate replied").
Grades follow the eval sets' 0-3 scale:

* hired 3; interview or offer 2; applied (new, screening) 1;
* rejected by the employer, withdrawn by the candidate, or "not interested" 0.

When one pair has several outcomes the highest grade wins, except that an explicit 0 from a
dismissal is kept only when nothing positive happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Dismissal, Resume, Stage


@dataclass(frozen=True)
class Outcome:
    job_id: int
    candidate_id: int  # the user
    grade: int  # 0-3
    at: datetime


STAGE_GRADE = {
    Stage.NEW: 1,
    Stage.SCREENING: 1,
    Stage.INTERVIEW: 2,
    Stage.OFFER: 2,
    Stage.HIRED: 3,
    Stage.REJECTED: 0,
    Stage.WITHDRAWN: 0,
}


def applications() -> Iterable[Outcome]:
    rows = db.session.execute(
        select(
            Application.job_id, Application.candidate_id, Application.stage, Application.updated_at
        )
    )
    for job_id, candidate_id, stage, at in rows:
        yield Outcome(job_id, candidate_id, STAGE_GRADE[stage], at)


def dismissals() -> Iterable[Outcome]:
    rows = db.session.execute(select(Dismissal.job_id, Dismissal.user_id, Dismissal.created_at))
    for job_id, user_id, at in rows:
        yield Outcome(job_id, user_id, 0, at)


SOURCES: list[Callable[[], Iterable[Outcome]]] = [applications, dismissals]


def register(source: Callable[[], Iterable[Outcome]]) -> None:
    """Add a signal source (e.g. conversation replies); idempotent."""
    if source not in SOURCES:
        SOURCES.append(source)


def collect() -> dict[tuple[int, int], Outcome]:
    """The strongest outcome of every (job, candidate) pair, from every source."""
    best: dict[tuple[int, int], Outcome] = {}
    for source in SOURCES:
        for o in source():
            key = (o.job_id, o.candidate_id)
            if key not in best or o.grade > best[key].grade:
                best[key] = o
    return best


def default_resumes(user_ids: Iterable[int]) -> dict[int, Resume]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Resume).where(Resume.user_id.in_(ids), Resume.is_default.is_(True))
    )
    return {r.user_id: r for r in rows}
