"""Cached "Recommended for you" lists, "not interested", and people to invite.

A candidate's list is computed by app.ranking.service (stage 1 SQL prefilter, stage 2 exact scoring)
in a worker and kept in `recommendation_lists`; pages read the cache and never write it (a
small site's page computes a missing list for display and leaves storing it to the worker).
Lists are recomputed when the résumé changes, when a changed job marks them stale, when
matching's reasons changed since (`matching.reasons.VERSION`), and by a periodic sweep for
active users. What a list shows is filtered again when read, so a job closed or dismissed
since the last computation never appears; its reasons are written out in the reader's
language when read, so only what they count and name needs a recomputation.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.applications.service import default_resume
from app.database import insert_missing
from app.extensions import db
from app.models import (
    Application,
    Dismissal,
    Job,
    RecommendationList,
    Resume,
    User,
    utcnow,
)
from app.queue import DERIVED, get_queue
from app.ranking.service import job_pool, people_pool, recommend_jobs, recommend_people
from app.redis_store import first_within
from matching.reasons import VERSION as REASONS_VERSION

LIMIT = 20
"""Jobs in one candidate's list."""

PEOPLE_LIMIT = 20
"""People suggested to invite for one job."""

REFRESH_AFTER = timedelta(hours=6)
"""A list older than this is recomputed by the sweep (new jobs appear within this time)."""

ACTIVE_WITHIN = timedelta(days=30)
"""The sweep refreshes lists of users who logged in within this time only."""

SWEEP_BATCH = 500
"""Lists one sweep recomputes (app/schedule.py runs it every half hour)."""

SYNC_JOBS = 2000
"""With at most this many public jobs a missing list is computed for the page (well under a
second with stored vectors); above it the page says "being prepared"."""


def cached(user: User) -> RecommendationList | None:
    return db.session.get(RecommendationList, user.id)


def ranked_items(user: User) -> list[dict]:
    """USER's list as stored: the best jobs for their default résumé (none: an empty list)."""
    resume = default_resume(user)
    ranked = recommend_jobs(resume, job_pool(resume), limit=LIMIT) if resume is not None else []
    return [
        {"job_id": job.id, "score": score, "reasons": reasons} for job, score, reasons in ranked
    ]


def preview(user: User) -> RecommendationList:
    """USER's list computed now for one page view; not added to the session, so not stored."""
    return RecommendationList(
        user_id=user.id,
        items=ranked_items(user),
        computed_at=utcnow(),
        reasons_version=REASONS_VERSION,
    )


def compute(user: User) -> RecommendationList:
    """Recompute USER's list and store it (workers only; the caller commits)."""
    items = ranked_items(user)
    row = cached(user)
    if row is None:
        try:
            with db.session.begin_nested():
                row = RecommendationList(user_id=user.id, items=items)
                db.session.add(row)
                db.session.flush()
        except IntegrityError:  # another worker stored one first; ours is as new
            row = cached(user)
    row.items, row.computed_at, row.stale = items, utcnow(), False
    row.reasons_version = REASONS_VERSION
    return row


def shown(row: RecommendationList | None, user: User) -> list[tuple[Job, float, list[dict]]]:
    """The items of ROW still worth showing: public, not dismissed, not applied to."""
    if row is None or not row.items:
        return []
    ids = [item["job_id"] for item in row.items]
    hidden = set(
        db.session.scalars(
            select(Dismissal.job_id).where(Dismissal.user_id == user.id, Dismissal.job_id.in_(ids))
        )
    )
    hidden |= set(
        db.session.scalars(
            select(Application.job_id).where(
                Application.candidate_id == user.id, Application.job_id.in_(ids)
            )
        )
    )
    jobs = {j.id: j for j in db.session.scalars(select(Job).where(Job.id.in_(ids), Job.is_public))}
    return [
        (jobs[item["job_id"]], item["score"], item["reasons"])
        for item in row.items
        if item["job_id"] in jobs and item["job_id"] not in hidden
    ]


def due(row: RecommendationList | None) -> bool:
    return (
        row is None
        or row.stale
        or row.reasons_version != REASONS_VERSION
        or utcnow() - row.computed_at > REFRESH_AFTER
    )


def small_enough_to_compute_now() -> bool:
    count = db.session.scalar(select(func.count()).select_from(Job).where(Job.is_public))
    return count <= SYNC_JOBS


def dismiss(user: User, job: Job) -> None:
    """USER is not interested in JOB: it leaves the cached list now and every later one."""
    insert_missing(db.session, Dismissal, [{"user_id": user.id, "job_id": job.id}])
    row = cached(user)
    if row is not None and any(item["job_id"] == job.id for item in row.items):
        row.items = [item for item in row.items if item["job_id"] != job.id]


def mark_all_stale() -> int:
    """A job changed: every list may now miss it or show it wrongly; the sweep recomputes."""
    return db.session.execute(
        update(RecommendationList).where(RecommendationList.stale.is_(False)).values(stale=True)
    ).rowcount


def request_refresh(user: User) -> None:
    """Recompute USER's list in the background, at most once per few minutes."""
    app = current_app._get_current_object()
    if first_within(app, f"yunpin:matching:refresh:{user.id}", timedelta(minutes=5)):
        get_queue(kind=DERIVED).enqueue_call(
            "app.ranking.tasks.refresh_recommendations", args=(user.id,)
        )


def enqueue_lists(user_ids: list[int]) -> None:
    """Recompute these users' lists in the background, one job each, ahead of the derived
    work already waiting (the newest first): a candidate who just saved a résumé sees the
    new list within seconds even while the demo's first lists or a sweep are queued."""
    queue = get_queue(kind=DERIVED)
    for user_id in user_ids:
        queue.enqueue_call(
            "app.ranking.tasks.refresh_recommendations", args=(user_id,), at_front=True
        )


def sweep_users() -> list[User]:
    """Active seekers whose lists are due (`due`), or missing though they have a résumé."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(User)
            .join(Resume, (Resume.user_id == User.id) & Resume.is_default.is_(True))
            .outerjoin(RecommendationList, RecommendationList.user_id == User.id)
            .where(
                User.active.is_(True),
                User.last_login_at >= now - ACTIVE_WITHIN,
                (RecommendationList.user_id.is_(None))
                | RecommendationList.stale.is_(True)
                | (RecommendationList.reasons_version != REASONS_VERSION)
                | (RecommendationList.computed_at < now - REFRESH_AFTER),
            )
            .order_by(
                RecommendationList.computed_at.is_(None).desc(), RecommendationList.computed_at
            )
            .limit(SWEEP_BATCH)
        )
    )


def people_to_invite(job: Job, limit: int = PEOPLE_LIMIT) -> list[tuple[Resume, float, list[dict]]]:
    """Visible résumés for JOB, best first (computed on the request: one query and one
    vectorised scoring pass over a few hundred stored profiles)."""
    return recommend_people(job, people_pool(job), limit=limit)
