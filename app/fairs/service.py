"""Online job fairs (云招聘): creating one, registering employers with their jobs, applying
from the fair, and the fair's daily statistics."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app import audit, clock
from app.applications import service as applications
from app.database import insert_missing
from app.errors import DomainError
from app.models import (
    Application,
    BroadcastApplication,
    Employer,
    FairEmployer,
    FairJob,
    Interview,
    Job,
    JobFair,
    JobStatus,
    Source,
    Stage,
    User,
)

if TYPE_CHECKING:
    from app.fairs.forms import FairForm


class FairError(DomainError):
    """A fair action that is not possible (any more)."""

    status = 422


def create(session: Session, official: User, form: FairForm) -> JobFair:
    """A new fair from the official's form (the caller has checked the region is in scope)."""
    fair = JobFair(created_by_id=official.id)
    form.populate_obj(fair)
    session.add(fair)
    session.flush()
    audit.record("fair.create", fair)
    return fair


def upcoming(session: Session, limit: int = 50) -> list[JobFair]:
    """Fairs not over yet, the soonest first."""
    return list(
        session.scalars(
            sa.select(JobFair)
            .where(JobFair.ends_on >= clock.today())
            .order_by(JobFair.starts_on)
            .limit(limit)
        )
    )


def taking_part(session: Session, fairs: list[JobFair]) -> dict[int, tuple[int, int]]:
    """FAIR id → (employers, jobs) a visitor finds at it now: its public jobs and the
    employers offering them, for the list of fairs (a fair nobody joined yet says 0)."""
    rows = session.execute(
        sa.select(FairJob.fair_id, sa.func.count(sa.distinct(Job.employer_id)), sa.func.count())
        .join(Job, Job.id == FairJob.job_id)
        .where(FairJob.fair_id.in_([fair.id for fair in fairs]), Job.is_public)
        .group_by(FairJob.fair_id)
    )
    return {fair_id: (employers, jobs) for fair_id, employers, jobs in rows}


def own_published(employer: Employer) -> sa.Select:
    """EMPLOYER's published jobs: what it may bring to a fair."""
    return sa.select(Job).where(Job.employer_id == employer.id, Job.status == JobStatus.PUBLISHED)


def is_registered(session: Session, fair: JobFair, employer: Employer) -> bool:
    return session.get(FairEmployer, (fair.id, employer.id)) is not None


def may_register(employer: Employer) -> bool:
    """Only a company whose documents officials approved takes part in a fair, as only its
    jobs are public (Job.is_public): the fair's page, statistics and livestreams show it."""
    return employer.verified


def register(session: Session, fair: JobFair, employer: Employer, job_ids: list[int]) -> int:
    """Register EMPLOYER at FAIR with its published jobs among JOB_IDS; returns jobs attached.
    A first registration brings at least one job; later ones add jobs."""
    if not may_register(employer):
        raise FairError(
            _l(
                "Only verified companies take part in job fairs. Submit your company documents for review first."
            ),
            status=403,
        )
    if fair.ends_on < clock.today():
        raise FairError(_l("This fair has ended."))
    own = session.scalars(
        own_published(employer).with_only_columns(Job.id).where(Job.id.in_(job_ids or [0]))
    ).all()
    if not own and not is_registered(session, fair, employer):
        raise FairError(_l("Choose at least one of your published jobs to show at the fair."))
    entry = {"fair_id": fair.id, "employer_id": employer.id}
    if insert_missing(session, FairEmployer, [entry]):  # two clicks at once register once
        audit.record("fair.register", fair, employer_id=employer.id)
    insert_missing(session, FairJob, [{"fair_id": fair.id, "job_id": job_id} for job_id in own])
    return len(own)


def fair_jobs(session: Session, fair: JobFair, limit: int = 200) -> list[Job]:
    """The fair's jobs anyone may see and apply to, newest first."""
    return (
        session.scalars(
            sa.select(Job)
            .join(FairJob, FairJob.job_id == Job.id)
            .where(FairJob.fair_id == fair.id, Job.is_public)
            .order_by(Job.published_at.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )


def shows(session: Session, fair: JobFair, job_id: int) -> bool:
    """Whether JOB_ID is attached to FAIR (only those can be applied to from the fair)."""
    return session.get(FairJob, (fair.id, job_id)) is not None


def apply(fair: JobFair, candidate: User, job: Job) -> tuple[Application, bool]:
    """One click from the fair: the usual application, with the fair recorded as its source."""
    application, created = applications.apply(candidate, job, source=Source.FAIR)
    if created:
        application.source, application.fair_id = Source.FAIR, fair.id
    return application, created


def statistics(session: Session, fair: JobFair) -> dict[str, Any]:
    """Totals and per-day figures: employers registered, résumés received, interviews, hires;
    among the résumés, those sent from the fair's livestreams (a pinned job card's one-click
    apply, app.broadcasts) are a line of their own."""
    day = clock.sql_day(session, FairEmployer.registered_at)
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d, n in session.execute(
        sa.select(day, sa.func.count()).where(FairEmployer.fair_id == fair.id).group_by(day)
    ):
        per_day[d]["employers"] += n
    app_day = clock.sql_day(session, Application.created_at)
    for d, n, hired in session.execute(
        sa.select(
            app_day,
            sa.func.count(),
            sa.func.sum(sa.case((Application.stage == Stage.HIRED, 1), else_=0)),
        )
        .where(Application.fair_id == fair.id)
        .group_by(app_day)
    ):
        per_day[d]["applications"] += n
        per_day[d]["hires"] += int(hired or 0)
    int_day = clock.sql_day(session, Interview.created_at)
    for d, n in session.execute(
        sa.select(int_day, sa.func.count())
        .join(Application, Interview.application_id == Application.id)
        .where(Application.fair_id == fair.id)
        .group_by(int_day)
    ):
        per_day[d]["interviews"] += n
    days = []
    current = fair.starts_on
    while current <= min(fair.ends_on, clock.today()):
        days.append(current)
        current += timedelta(days=1)
    days = sorted(set(days) | set(per_day))
    rows = [
        [
            d,
            per_day[d]["employers"],
            per_day[d]["applications"],
            per_day[d]["interviews"],
            per_day[d]["hires"],
        ]
        for d in days
    ]
    totals = {
        "employers": session.scalar(
            sa.select(sa.func.count()).where(FairEmployer.fair_id == fair.id)
        ),
        "jobs": session.scalar(sa.select(sa.func.count()).where(FairJob.fair_id == fair.id)),
        "applications": sum(r[2] for r in rows),
        "from_livestreams": session.scalar(
            sa.select(sa.func.count())
            .select_from(BroadcastApplication)
            .join(Application, Application.id == BroadcastApplication.application_id)
            .where(Application.fair_id == fair.id)
        ),
        "interviews": sum(r[3] for r in rows),
        "hires": sum(r[4] for r in rows),
        # days run so far: 0 before the fair opens
        "days": max(0, (min(fair.ends_on, clock.today()) - fair.starts_on).days + 1),
    }
    return {"totals": totals, "rows": rows}


def filter_jobs(
    jobs: list[Job], q: str = "", employment_type: str = "", salary_min: int | None = None
) -> list[Job]:
    """The fair's jobs a seeker narrowed down: words in the title, skills or employer name,
    an employment type, a monthly salary reaching SALARY_MIN. A fair lists at most a few
    hundred jobs, so this runs over the list already read."""
    q = q.strip().lower()
    out = []
    for job in jobs:
        text = " ".join([job.title, job.employer.name, *(job.skills or [])]).lower()
        if q and q not in text:
            continue
        if employment_type and job.employment_type != employment_type:
            continue
        if salary_min is not None and job.monthly_salary()[1] < salary_min:
            continue
        out.append(job)
    return out


def by_employer(jobs: list[Job]) -> list[tuple]:
    """(employer, its jobs) in the order employers first appear."""
    groups: dict[int, tuple] = {}
    for job in jobs:
        groups.setdefault(job.employer_id, (job.employer, []))[1].append(job)
    return list(groups.values())
