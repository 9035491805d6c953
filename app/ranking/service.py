"""The app's one way to rank: our models in, the `matching` package's scores and reasons out.

Every page and API endpoint that orders applicants or suggests jobs calls these functions,
so a change to how matching is fed (profiles, cooperation links, embeddings on or off)
happens here once. Reasons are stored structurally (code + parameters) on Application and
rendered in the reader's language when shown (`reason_texts`).

Sentence vectors come from the `embeddings` table, filled by RQ jobs (app.ranking.tasks)
when a job or résumé changes. On the request path nothing is embedded: an object whose
vectors are not stored yet gets zero vectors, which the scorer treats as unknown (neutral).
Workers may embed missing vectors on the fly. Suggestions are two-stage: an SQL prefilter
generates a few hundred candidates (`job_pool`, `people_pool`), or, in a region with more
published jobs than MATCHING_RETRIEVER_ABOVE, a `matching.Retriever` (`stage_one`); then
all are scored exactly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

import numpy as np
from flask import current_app, has_request_context
from sqlalchemy import Select, String, cast, exists, false, or_, select

from app import clock
from app.cooperation import service as cooperation
from app.extensions import db
from app.models import (
    Application,
    CooperationAgreement,
    Dismissal,
    EmbeddedKind,
    Embedding,
    Job,
    Resume,
    User,
    Visibility,
)
from matching import (
    CandidateProfile,
    JobProfile,
    MatchContext,
    Reason,
    learn,
    rank_candidates,
    rank_jobs,
)
from matching.embeddings import DIM
from matching.reasons import shown_to

from . import stage_one
from .collections import collection

Ranked = tuple[Application, float, list[dict]]
Vectors = tuple[np.ndarray, np.ndarray]  # (full text, title)

POOL_NEAR = 300
"""Stage 1: newest published items near the other side (same province, cooperation, remote)."""

POOL_SKILLS = 200
"""Stage 1: newest published items sharing one of the other side's first skills."""

POOL_SKILL_TERMS = 8

_ZERO = np.zeros(DIM, np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.float32)


def stored_vectors(kind: EmbeddedKind, ids: Iterable[int]) -> dict[int, Vectors]:
    """Vectors stored for the objects of KIND with IDS (absent ones are missing)."""
    ids = list(set(ids))
    if not ids or not current_app.config.get("MATCHING_EMBEDDINGS", True):
        return {}
    rows = db.session.execute(
        select(Embedding.object_id, Embedding.text_vector, Embedding.title_vector).where(
            Embedding.kind == kind, Embedding.object_id.in_(ids)
        )
    ).all()
    return {oid: (from_bytes(text), from_bytes(title)) for oid, text, title in rows}


def _attach(profile, vectors: Vectors | None):
    """Stored vectors onto PROFILE; zero (unknown) ones on the request path when missing."""
    if vectors is not None:
        profile.text_vector, profile.title_vector = vectors
    elif has_request_context():
        profile.text_vector = profile.title_vector = _ZERO
    return profile


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


def model_path(direction: str) -> str:
    """Where `yunpin train match` installs the model of DIRECTION trained on outcomes."""
    folder = current_app.config.get("MATCH_MODEL_DIR") or current_app.instance_path
    return os.path.join(folder, f"match_model.{direction}.txt")


def current_models() -> dict[str, str]:
    """The models `yunpin train match` installed, by direction; a direction without one ranks
    with the shipped model."""
    paths = {d: model_path(d) for d in learn.DIRECTIONS}
    return {d: path for d, path in paths.items() if os.path.exists(path)}


def context(locale: str = "zh") -> MatchContext:
    """Request-level facts: today's active labor-cooperation links, the embeddings switch, the
    model in use and what both sides of the marketplace look like (`collections`)."""
    today = clock.today()
    links = db.session.execute(
        select(CooperationAgreement.origin_code, CooperationAgreement.destination_code).where(
            cooperation.in_force(today)
        )
    ).all()
    return MatchContext(
        cooperation={(origin, destination) for origin, destination in links},
        locale=locale,
        use_embeddings=current_app.config.get("MATCHING_EMBEDDINGS", True),
        models=current_models(),
        job_collection=collection(EmbeddedKind.JOB),
        candidate_collection=collection(EmbeddedKind.RESUME),
    )


def _stored(reasons: Sequence[Reason]) -> list[dict]:
    """JSON-safe reasons (numpy numbers become plain floats)."""
    raw = [{"code": r.code, "params": r.params, "positive": r.positive} for r in reasons]
    return json.loads(json.dumps(raw, default=float))


def job_profiles(jobs: Sequence[Job]) -> list[JobProfile]:
    vectors = stored_vectors(EmbeddedKind.JOB, (j.id for j in jobs))
    return [_attach(job_profile(j), vectors.get(j.id)) for j in jobs]


def candidate_profiles(
    resumes: Sequence[Resume | None], ids: Sequence[int]
) -> list[CandidateProfile]:
    """Profiles for RESUMES (None: no résumé) under the given profile IDS."""
    vectors = stored_vectors(EmbeddedKind.RESUME, (r.id for r in resumes if r is not None))
    return [
        _attach(candidate_profile(r, i), vectors.get(r.id) if r is not None else None)
        for r, i in zip(resumes, ids, strict=True)
    ]


def score_applicants(
    job: Job, applications: Sequence[Application], locale: str = "zh"
) -> list[Ranked]:
    """APPLICATIONS to JOB, best match first, each with its score in [0, 1] and stored reasons.
    Nothing is written: pages that only show a ranking call this."""
    if not applications:
        return []
    by_id = {a.id: a for a in applications}
    profiles = candidate_profiles([a.resume for a in applications], [a.id for a in applications])
    ranked = rank_candidates(job_profiles([job])[0], profiles, context(locale), limit=None)
    return [
        (by_id[profile.id], round(float(match.score), 4), _stored(match.reasons))
        for profile, match in ranked
    ]


def rank_applicants(
    job: Job, applications: Sequence[Application], locale: str = "zh"
) -> list[Ranked]:
    """`score_applicants`, with the score and reasons written to each Application (the
    caller commits), so lists and exports can show them without scoring again."""
    out = score_applicants(job, applications, locale)
    for application, score, reasons in out:
        if application.match_score != score or application.match_reasons != reasons:
            application.match_score, application.match_reasons = score, reasons
    return out


def recommend_jobs(
    resume: Resume, jobs: Sequence[Job], locale: str = "zh", limit: int = 20
) -> list[tuple[Job, float, list[dict]]]:
    """JOBS for the owner of RESUME, best match first, with scores and stored reasons."""
    if not jobs:
        return []
    by_id = {j.id: j for j in jobs}
    ranked = rank_jobs(
        candidate_profiles([resume], [resume.user_id])[0],
        job_profiles(jobs),
        context(locale),
        limit=limit,
    )
    return [(by_id[p.id], round(float(m.score), 4), _stored(m.reasons)) for p, m in ranked]


def recommend_people(
    job: Job, resumes: Sequence[Resume], locale: str = "zh", limit: int = 20
) -> list[tuple[Resume, float, list[dict]]]:
    """RESUMES for JOB (people to invite), best match first, with scores and stored reasons."""
    if not resumes:
        return []
    by_id = {r.id: r for r in resumes}
    ranked = rank_candidates(
        job_profiles([job])[0],
        candidate_profiles(resumes, [r.id for r in resumes]),
        context(locale),
        limit=limit,
    )
    return [(by_id[p.id], round(float(m.score), 4), _stored(m.reasons)) for p, m in ranked]


def _cooperating(region_code: str | None, origin_side: bool) -> list[str]:
    """Region prefixes linked to REGION_CODE by an active cooperation agreement."""
    if not region_code:
        return []
    pairs = context().cooperation
    if origin_side:
        return [d for o, d in pairs if region_code.startswith(o)]
    return [o for o, d in pairs if region_code.startswith(d)]


def _skills_like(column, skills: Sequence[str]):
    """SQL: the JSON skills COLUMN mentions one of SKILLS (as JSON spells them)."""
    terms = [json.dumps(s.strip())[1:-1] for s in skills[:POOL_SKILL_TERMS] if s.strip()]
    if not terms:
        return false()
    text = cast(column, String)
    return or_(*(text.icontains(term, autoescape=True) for term in terms))


def _prefix_in(column, prefixes: Sequence[str]):
    return or_(*(column.startswith(p) for p in prefixes)) if prefixes else false()


def _in_order(query: Select, model, ids: list[int]) -> list:
    """The rows of QUERY among IDS (stage 1's best first), in that order."""
    rows = {row.id: row for row in db.session.scalars(query.where(model.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def job_pool(resume: Resume, exclude: Iterable[int] = ()) -> list[Job]:
    """Stage 1 of recommendations: public jobs near the candidate (same province, a
    cooperation destination, remote; anywhere if willing to relocate) and jobs sharing a
    skill. Jobs in EXCLUDE, dismissed or applied to are left out."""
    dismissed = select(Dismissal.job_id).where(Dismissal.user_id == resume.user_id)
    applied = select(Application.job_id).where(Application.candidate_id == resume.user_id)
    base = (
        select(Job)
        .where(Job.is_public, Job.id.not_in(dismissed), Job.id.not_in(applied))
        .order_by(Job.published_at.desc(), Job.id.desc())
    )
    if exclude := list(exclude):
        base = base.where(Job.id.not_in(exclude))
    if stage_one.large_region(None if resume.willing_to_relocate else resume.region_code):
        best = stage_one.best_job_ids(resume)
        if best is not None:
            return _in_order(base, Job, best)
    if resume.willing_to_relocate or not resume.region_code:
        near = base
    else:
        prefixes = [resume.region_code[:2], *_cooperating(resume.region_code, origin_side=True)]
        near = base.where(or_(Job.remote.is_(True), _prefix_in(Job.region_code, prefixes)))
    found = {job.id: job for job in db.session.scalars(near.limit(POOL_NEAR))}
    for job in db.session.scalars(
        base.where(_skills_like(Job.skills, resume.skills or [])).limit(POOL_SKILLS)
    ):
        found.setdefault(job.id, job)
    return list(found.values())


def people_query(job: Job) -> Select:
    """Default résumés of active seekers the job's employer may be shown as people to invite:
    public ones (when the employer is verified) and "applied"-only ones of people who applied
    to this employer. Hidden résumés never; applicants to this job are in its pipeline already."""
    employer_id = job.employer_id
    applied_here = exists().where(
        Application.candidate_id == Resume.user_id,
        Application.job_id == Job.id,
        Job.employer_id == employer_id,
    )
    shown = (Resume.visibility == Visibility.APPLIED) & applied_here
    if job.employer.verified:
        shown = or_(Resume.visibility == Visibility.PUBLIC, shown)
    in_job = select(Application.candidate_id).where(Application.job_id == job.id)
    return (
        select(Resume)
        .join(User, User.id == Resume.user_id)
        .where(
            User.active.is_(True), Resume.is_default.is_(True), shown, Resume.user_id.not_in(in_job)
        )
        .order_by(Resume.updated_at.desc(), Resume.id.desc())
    )


def people_pool(job: Job) -> list[Resume]:
    """Stage 1 of people to invite: visible résumés near the job (its province, cooperation
    origins, willing to relocate; anywhere for a remote job) and résumés sharing a skill."""
    base = people_query(job)
    if stage_one.large_region(None if job.remote else job.region_code):
        best = stage_one.best_resume_ids(job)
        if best is not None:
            return _in_order(base, Resume, best)
    if job.remote:
        near = base
    else:
        prefixes = [job.region_code[:2], *_cooperating(job.region_code, origin_side=False)]
        near = base.where(
            or_(Resume.willing_to_relocate.is_(True), _prefix_in(Resume.region_code, prefixes))
        )
    found = {r.id: r for r in db.session.scalars(near.limit(POOL_NEAR))}
    for resume in db.session.scalars(
        base.where(_skills_like(Resume.skills, job.skills or [])).limit(POOL_SKILLS)
    ):
        found.setdefault(resume.id, resume)
    return list(found.values())


def _named_in(locale: str, params: dict) -> dict:
    """A reason's PARAMS with its place and occupation named in LOCALE, as every page names
    them: a place from its Chinese name (reasons stored before 2026-12-04 carry matching's old
    plain pinyin under "en", "Wulumuqi" for Urumqi), an occupation from what matching stores
    under "en" (its Chinese name: CSCO has no other)."""
    if locale.startswith("zh") or not ({"place", "occupation"} & params.keys()):
        return params
    from app.occupations.english import english_name_of
    from app.regions.english import english_name

    out = dict(params)
    if isinstance(out.get("place"), dict):
        place = out["place"]
        out["place"] = {**place, "en": english_name(str(place.get("zh") or place.get("en", "")))}
    if isinstance(out.get("occupation"), dict):
        name = str(out["occupation"].get("en", ""))
        out["occupation"] = {**out["occupation"], "en": english_name_of(name) or name}
    return out


def reason_texts(
    stored: Sequence[dict], locale: str, limit: int = 4, reader: str = "candidate"
) -> list[tuple[str, bool]]:
    """Stored reasons (strongest first, what held the score down last) as (sentence in
    LOCALE, positive) pairs, at most LIMIT, the last of them the strongest negative one when
    there is one: a 21 % match listing only its strengths would not say why it is low.
    Unknown codes are skipped, and so are those READER is not shown
    (`matching.reasons.shown_to`: an employer reads no reason about its own posting)."""
    said = []
    for item in stored or ():
        if not shown_to(reader, item.get("code", "")):
            continue
        try:
            reason = Reason(
                code=item["code"],
                params=_named_in(locale, item.get("params") or {}),
                positive=item.get("positive", True),
            )
            said.append((reason.text(locale), reason.positive))
        except (KeyError, IndexError, ValueError, TypeError):
            continue
    positive = [pair for pair in said if pair[1]]
    negative = [pair for pair in said if not pair[1]]
    kept = positive[: limit - 1] if negative else positive[:limit]
    return kept + negative[: limit - len(kept)]
