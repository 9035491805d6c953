"""The app's one way to rank: our models in, the `matching` package's scores and reasons out.

Every page and API endpoint that orders applicants or suggests jobs calls these functions,
so a change to how matching is fed (profiles, cooperation links, embeddings on or off)
happens here once. Reasons are stored structurally (code + parameters) on Application and
rendered in the reader's language when shown (`reason_texts`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from flask import current_app
from sqlalchemy import select

from matching import CandidateProfile, JobProfile, MatchContext, Reason, rank_candidates, rank_jobs

from .extensions import db
from .models import AgreementStatus, Application, CooperationAgreement, Job, Resume

Ranked = tuple[Application, float, list[dict]]


def job_profile(job: Job) -> JobProfile:
    low, high = job.monthly_salary()
    return JobProfile(
        id=job.id,
        title=job.title,
        description=job.description or "",
        skills=list(job.skills or []),
        occupation_code=job.category or None,
        region_code=job.region_code,
        salary_min=low,
        salary_max=high,
        min_experience_years=job.min_experience_years or None,
        education_level=job.education_level or None,
        remote=job.remote,
        posted_at=job.published_at,
    )


def candidate_profile(resume: Resume | None, candidate_id: int) -> CandidateProfile:
    """A profile from the résumé; an applicant without one gets an empty (neutral) profile."""
    if resume is None:
        return CandidateProfile(id=candidate_id)
    low, high = resume.expected_salary_min, resume.expected_salary_max
    expected = (low + high) / 2 if low and high else (low or high or None)
    experience = list(resume.experience or [])
    if not any(entry.get("years") is not None for entry in experience) and resume.years_experience:
        experience.append({"title": "", "description": "", "years": resume.years_experience})
    return CandidateProfile(
        id=candidate_id,
        headline=resume.headline,
        summary=resume.summary or "",
        skills=list(resume.skills or []),
        experience=experience,
        education_level=resume.education_level.value if resume.education_level else None,
        region_code=resume.region_code,
        willing_to_relocate=resume.willing_to_relocate,
        expected_salary=expected,
        available_from=resume.available_from,
    )


def context(locale: str = "zh") -> MatchContext:
    """Request-level facts: today's active labor-cooperation links, the embeddings switch."""
    today = date.today()
    links = db.session.execute(
        select(CooperationAgreement.origin_code, CooperationAgreement.destination_code).where(
            CooperationAgreement.status == AgreementStatus.ACTIVE,
            CooperationAgreement.starts_on <= today,
            CooperationAgreement.ends_on >= today,
        )
    ).all()
    return MatchContext(
        cooperation={(origin, destination) for origin, destination in links},
        locale=locale,
        use_embeddings=current_app.config.get("MATCHING_EMBEDDINGS", True),
    )


def _stored(reasons: Sequence[Reason]) -> list[dict]:
    """JSON-safe reasons (numpy numbers become plain floats)."""
    raw = [{"code": r.code, "params": r.params, "positive": r.positive} for r in reasons]
    return json.loads(json.dumps(raw, default=float))


def rank_applicants(job: Job, applications: Sequence[Application], locale: str = "zh") -> list[Ranked]:
    """APPLICATIONS to JOB, best match first, each with its score in [0, 1] and stored reasons.

    The score and reasons are written to each Application (the caller commits), so lists and
    exports can show them without scoring again.
    """
    if not applications:
        return []
    by_id = {a.id: a for a in applications}
    profiles = [candidate_profile(a.resume, a.id) for a in applications]
    ranked = rank_candidates(job_profile(job), profiles, context(locale), limit=None)
    out: list[Ranked] = []
    for profile, match in ranked:
        application = by_id[profile.id]
        score, reasons = round(float(match.score), 4), _stored(match.reasons)
        if application.match_score != score or application.match_reasons != reasons:
            application.match_score, application.match_reasons = score, reasons
        out.append((application, score, reasons))
    return out


def recommend_jobs(resume: Resume, jobs: Sequence[Job], locale: str = "zh", limit: int = 20) -> list[tuple[Job, float, list[dict]]]:
    """JOBS for the owner of RESUME, best match first, with scores and stored reasons."""
    if not jobs:
        return []
    by_id = {j.id: j for j in jobs}
    ranked = rank_jobs(
        candidate_profile(resume, resume.user_id), [job_profile(j) for j in jobs], context(locale), limit=limit
    )
    return [(by_id[p.id], round(float(m.score), 4), _stored(m.reasons)) for p, m in ranked]


def reason_texts(stored: Sequence[dict], locale: str, limit: int = 4) -> list[tuple[str, bool]]:
    """Stored reasons as (sentence in LOCALE, positive) pairs; unknown codes are skipped."""
    out = []
    for item in stored or ():
        try:
            reason = Reason(code=item["code"], params=item.get("params") or {}, positive=item.get("positive", True))
            out.append((reason.text(locale), reason.positive))
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        if len(out) >= limit:
            break
    return out
