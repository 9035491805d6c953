"""Online job fairs (云招聘): registration, attached jobs, and the fair's daily statistics."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import audit
from app.models import (
    Application,
    Employer,
    FairEmployer,
    FairJob,
    Interview,
    Job,
    JobFair,
    JobStatus,
    Stage,
)


def register(session: Session, fair: JobFair, employer: Employer, job_ids: list[int]) -> int:
    """Register EMPLOYER at FAIR with its published jobs among JOB_IDS; returns jobs attached."""
    if session.get(FairEmployer, (fair.id, employer.id)) is None:
        session.add(FairEmployer(fair_id=fair.id, employer_id=employer.id))
        audit.record("fair.register", fair, employer_id=employer.id)
    own = session.scalars(
        sa.select(Job.id).where(
            Job.id.in_(job_ids or [0]),
            Job.employer_id == employer.id,
            Job.status == JobStatus.PUBLISHED,
        )
    ).all()
    attached = set(
        session.scalars(sa.select(FairJob.job_id).where(FairJob.fair_id == fair.id)).all()
    )
    for job_id in own:
        if job_id not in attached:
            session.add(FairJob(fair_id=fair.id, job_id=job_id))
    return len(own)


def fair_jobs(session: Session, fair: JobFair, limit: int = 200) -> list[Job]:
    return (
        session.scalars(
            sa.select(Job)
            .join(FairJob, FairJob.job_id == Job.id)
            .where(FairJob.fair_id == fair.id, Job.status == JobStatus.PUBLISHED)
            .order_by(Job.published_at.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )


def statistics(session: Session, fair: JobFair) -> dict[str, Any]:
    """Totals and per-day figures: employers registered, résumés received, interviews, hires."""
    day = sa.func.date(FairEmployer.registered_at)
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d, n in session.execute(
        sa.select(day, sa.func.count()).where(FairEmployer.fair_id == fair.id).group_by(day)
    ):
        per_day[str(d)]["employers"] += n
    app_day = sa.func.date(Application.created_at)
    for d, n, hired in session.execute(
        sa.select(
            app_day,
            sa.func.count(),
            sa.func.sum(sa.case((Application.stage == Stage.HIRED, 1), else_=0)),
        )
        .where(Application.fair_id == fair.id)
        .group_by(app_day)
    ):
        per_day[str(d)]["applications"] += n
        per_day[str(d)]["hires"] += int(hired or 0)
    int_day = sa.func.date(Interview.created_at)
    for d, n in session.execute(
        sa.select(int_day, sa.func.count())
        .join(Application, Interview.application_id == Application.id)
        .where(Application.fair_id == fair.id)
        .group_by(int_day)
    ):
        per_day[str(d)]["interviews"] += n
    days = []
    current = fair.starts_on
    while current <= min(fair.ends_on, date.today()):
        days.append(current.isoformat())
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
        "interviews": sum(r[3] for r in rows),
        "hires": sum(r[4] for r in rows),
        "days": (min(fair.ends_on, date.today()) - fair.starts_on).days + 1,
    }
    return {"totals": totals, "rows": rows}
