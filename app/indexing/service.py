"""The app's binding to the `search` library: one backend per app, documents from rows.

The backend is chosen by ``SEARCH_BACKEND``/``SEARCH_URL`` and built on first use (nothing
connects at start-up) and kept in ``app.extensions``. The index is derived data: what goes
into it is decided here, from the database rows, so the page, the background sync
(app.indexing.tasks) and ``yunpin search reindex/check`` agree on every document.

Region codes in the app are prefix-hierarchical (42 → 4201 → 420102 → 420102001 →
420102001001); the library wants 12-digit administrative codes, so codes are padded with
zeros on the way in (:func:`pad_region`) and trimmed on the way out (:func:`unpad_region`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Job, Resume, User, Visibility
from app.templating import plain_text
from search import (
    JobDocument,
    ResumeDocument,
    SearchBackend,
    create_backend,
)

EXTENSION_KEY = "yunpin_search"
REGION_PREFIXES = (2, 4, 6, 9, 12)
"""Lengths of the region codes at the five levels (province … village)."""

BATCH = 500
"""Rows read per database round trip when rebuilding or checking the index."""


def build_backend(app: Flask, name: str | None = None, url: str | None = None) -> SearchBackend:
    """A new backend from the app's settings (or the given name/URL); the caller closes it."""
    name = name or app.config["SEARCH_BACKEND"]
    url = url or app.config["SEARCH_URL"]
    return create_backend(name, url)


def get_backend(app: Flask | None = None) -> SearchBackend:
    """The app's shared backend, built lazily."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get(EXTENSION_KEY)
    if backend is None:
        backend = app.extensions[EXTENSION_KEY] = build_backend(app)
    return backend


def close_backend(app: Flask | None = None) -> None:
    """Close the shared backend (releasing the embedded index writer); rebuilt on next use."""
    app = app or current_app._get_current_object()
    backend = app.extensions.pop(EXTENSION_KEY, None)
    if backend is not None:
        backend.close()


# --- regions ------------------------------------------------------------------------------


def pad_region(code: str) -> str:
    return code.ljust(12, "0")


def unpad_region(code: str) -> str:
    """The app's code for a padded 12-digit one (the shortest level length that keeps it)."""
    for length in REGION_PREFIXES:
        if code[length:].strip("0") == "":
            return code[:length]
    return code


def region_path(code: str | None) -> list[str]:
    """Ancestors and the region itself, app form: 420102001001 → 42, 4201, … 420102001001."""
    if not code:
        return []
    return [code[:n] for n in REGION_PREFIXES if n <= len(code)]


# --- what belongs in the index ------------------------------------------------------------
# Each rule twice, for one row (the sync jobs) and as SQL (rebuilds, checks, the backup search).


def job_indexable(job: Job | None) -> bool:
    """Only what anyone may see (``Job.is_public``); the sync job deletes every other job."""
    return job is not None and job.is_public


def indexable_jobs() -> Select:
    return select(Job).where(Job.is_public).order_by(Job.id)


def resume_indexable(resume: Resume | None) -> bool:
    """Public default résumés of active candidates. Résumés shown only to employers the
    candidate applied to (or hidden) stay out of the index: those come from the database."""
    return (
        resume is not None
        and resume.is_default
        and resume.visibility == Visibility.PUBLIC
        and resume.user.active
    )


def indexable_resumes() -> Select:
    return (
        select(Resume)
        .join(User, User.id == Resume.user_id)
        .where(
            Resume.is_default.is_(True),
            Resume.visibility == Visibility.PUBLIC,
            User.active.is_(True),
        )
        .order_by(Resume.id)
    )


# --- documents ----------------------------------------------------------------------------


def job_document(job: Job) -> JobDocument:
    """Salaries on the monthly scale, so jobs paid by the hour, day or year compare."""
    low, high = job.monthly_salary()
    return {
        "id": job.id,
        "title": job.title,
        "description": plain_text(job.description),
        "skills": list(job.skills or []),
        "category": job.category or "",
        "employment_type": job.employment_type.value,
        "region_code": pad_region(job.region_code),
        "region_path": [pad_region(c) for c in region_path(job.region_code)],
        "salary_min": low,
        "salary_max": high,
        "salary_period": "month",
        "remote": bool(job.remote),
        "posted_at": job.published_at or job.created_at,
        "employer_id": job.employer_id,
        "employer_name": job.employer.name,
        "employer_verified": job.employer.verified,
        "status": job.status.value,
    }


def resume_document(resume: Resume) -> ResumeDocument:
    """No contact details: they are masked for most readers and never searched."""
    experience = " ".join(
        " ".join(str(e.get(k) or "") for k in ("title", "company", "description"))
        for e in resume.experience or []
    )
    salary = resume.expected_salary_min or resume.expected_salary_max or 0
    return {
        "id": resume.id,
        "headline": resume.headline,
        "summary": resume.summary or "",
        "skills": list(resume.skills or []),
        "experience_text": experience.strip(),
        "education_level": resume.education_level.value,
        "region_code": pad_region(resume.region_code) if resume.region_code else "",
        "region_path": [pad_region(c) for c in region_path(resume.region_code)],
        "expected_salary": salary,
        "visibility": resume.visibility.value,
        "updated_at": resume.updated_at,
        "candidate_id": resume.user_id,
    }


@dataclass(frozen=True)
class Kind:
    """One kind of document: its rows, which of them are indexed (one row; all, as SQL),
    and how one is written."""

    model: type[Job] | type[Resume]
    accepts: Callable[[Any], bool]
    indexable: Callable[[], Select]
    document: Callable[[Any], dict]


KINDS = {
    "jobs": Kind(Job, job_indexable, indexable_jobs, job_document),
    "resumes": Kind(Resume, resume_indexable, indexable_resumes, resume_document),
}


def documents(kind: str, ids: list[int] | None = None) -> Iterator[dict]:
    """Every document of KIND the database says should be indexed (or only those of IDS),
    read in batches by id so a large table never sits in memory at once."""
    spec = KINDS[kind]
    last = 0
    # A private session, emptied after each batch, leaves the caller's session alone.
    with Session(db.engine) as session:
        while True:
            stmt = spec.indexable().where(spec.model.id > last).limit(BATCH)
            if ids is not None:
                stmt = stmt.where(spec.model.id.in_(ids))
            rows = session.scalars(stmt).unique().all()
            if not rows:
                return
            for row in rows:
                yield spec.document(row)
            last = rows[-1].id
            session.expunge_all()


def count_documents(kind: str) -> int:
    query = KINDS[kind].indexable().order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query))
