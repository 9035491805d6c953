"""Employers' résumé search through the search engine, with the database as the fallback.

Only public résumés are in the index (app.indexing.service.resume_indexable); a verified
employer finds them there. Résumés a candidate shows only to employers they applied to —
and hidden ones reached through an application — never enter the index and come from the
database (service.search_query restricted to the employer's applicants). Every engine hit
is re-checked against service.search_query before it is shown, so a stale index cannot
reveal a résumé made hidden a moment ago. Contacts are masked unless the candidate applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.indexing import service as search_index
from app.models import Application, Employer, Job, Resume
from app.resumes import service
from app.templating import mask_phone
from search import SearchQuery, SearchUnavailable

PHONE = re.compile(r"1[3-9]\d{9}")


@dataclass
class Found:
    resume: Resume
    applied: bool
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class Results:
    items: list[Found]
    fallback: bool = False


def _applicant_ids(employer: Employer):
    return (
        select(Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .where(Job.employer_id == employer.id)
    )


def _masked(highlights: dict[str, str]) -> dict[str, str]:
    """Phone numbers typed into a summary are masked like the contact field."""
    return {k: PHONE.sub(lambda m: mask_phone(m.group()), v) for k, v in highlights.items()}


def _from_database(employer, keyword, skills, limit, applicant_ids, fallback: bool) -> Results:
    rows = db.session.scalars(service.search_query(employer, keyword, skills).limit(limit)).all()
    return Results([Found(r, r.user_id in applicant_ids) for r in rows], fallback=fallback)


def find(employer: Employer, keyword: str, skills: Sequence[str], limit: int) -> Results:
    applicant_ids = set(db.session.scalars(_applicant_ids(employer)))
    applicants = db.session.scalars(
        service.search_query(employer, keyword, skills)
        .where(Resume.user_id.in_(_applicant_ids(employer)))
        .limit(limit)
    ).all()
    if not employer.verified:  # unverified employers see their applicants only
        return Results([Found(r, True) for r in applicants])
    text = " ".join([keyword.strip(), *(s.strip() for s in skills)]).strip()
    try:
        result = search_index.get_backend().search(
            SearchQuery(
                text=text[:200],
                visibility="public",
                size=limit,
                sort="relevance" if text else "newest",
            ),
            kind="resumes",
        )
        if not result.hits and search_index.get_backend().count(SearchQuery(), kind="resumes") == 0:
            # An empty index is one not built yet (fresh instance, queue still draining):
            # the database answers, as it would during an outage, but without the notice.
            return _from_database(employer, keyword, skills, limit, applicant_ids, fallback=False)
    except SearchUnavailable:
        return _from_database(employer, keyword, skills, limit, applicant_ids, fallback=True)
    ids = [hit.id for hit in result.hits]
    visible = {}
    if ids:
        rows = db.session.scalars(service.search_query(employer).where(Resume.id.in_(ids)))
        visible = {r.id: r for r in rows}
    items = []
    for hit in result.hits:
        resume = visible.get(hit.id)
        if resume is not None:
            applied = resume.user_id in applicant_ids
            items.append(
                Found(resume, applied, hit.highlights if applied else _masked(hit.highlights))
            )
    shown = {f.resume.id for f in items}
    items += [Found(r, True) for r in applicants if r.id not in shown]
    return Results(items[:limit])
